package flows

import (
	"regexp"
	"slices"
	"strings"
)

// Button data is short, versioned and never trusted: a modified Telegram client can send any
// bytes as callback data, so every press is parsed strictly and re-checked against the
// stored state before anything happens.
//
// Format: "<version>:<action>[:<argument>]", at most 64 bytes.
const dataVersion = "1"

// Action names carried in button data.
const (
	ActLanguage  = "lang"    // argument: language option
	ActLanguages = "langs"   // show the language picker
	ActConsent   = "consent" // argument: yes, no
	ActMenu      = "menu"    // argument: a menu item
	ActFAQ       = "faq"     // the FAQ topics
	ActTopic     = "faqt"    // argument: an FAQ topic id
	ActQuestion  = "faqq"    // argument: an FAQ question id
	ActAsk       = "faqm"    // argument: an FAQ question id; talk to my manager about it
	ActAppts     = "appt"    // the client's appointments
	ActBook      = "book"    // start booking: the days with free slots; argument: none, or the plan step it is about
	ActDay       = "bkd"     // argument: a day, 20060102
	ActTime      = "bkt"     // argument: a slot reference (Config.SlotRef)
	ActTopicFor  = "bkp"     // argument: slot reference "." topic
	ActInterp    = "bki"     // argument: slot reference "." topic "." y|n; whether the client needs an interpreter
	ActConfirm   = "bky"     // argument: slot reference "." topic "." y|n
	ActCancel    = "apx"     // argument: an appointment id
	ActResched   = "apr"     // argument: an appointment id
	ActWillCome  = "apc"     // argument: an appointment id; the client will come
	ActCame      = "stc"     // argument: an appointment id; a manager marks it attended
	ActMissed    = "stm"     // argument: an appointment id; a manager marks it missed
	ActBlock     = "blk"     // argument: a day, 20060102; a manager blocks it
	ActDistrict  = "dst"     // argument: a district id, or "-" for none
	ActCommune   = "cmn"     // argument: none (the question), or a commune id; where the client lives in a county
	ActBookFor   = "mbk"     // argument: case number "." slot reference [".y" with an interpreter]; a manager books for a client
	ActWrite     = "write"   // the client wants to write to their manager
	ActNewsOff   = "news"    // argument: off, on; the client turns group news off or on
	ActTake      = "take"    // argument: case number; a manager takes a case from the intake
	ActProfile   = "prof"    // argument: case number; the case card
	ActTemplates = "tpl"     // argument: case number; the ready-made replies
	ActTemplate  = "tps"     // argument: case number "." template ["." date, day or document]
	ActSendTo    = "rto"     // argument: case number "." message id; send a manager's message to a case
	ActNews      = "bcs"     // argument: news ["." day ["." segment]]; group news, step by step
	ActNewsSend  = "bcg"     // argument: news "." day "." segment; send the group news
	ActMyData    = "mydata"  // the client's data as a file
	ActErase     = "erase"   // argument: ask, yes; the client deletes their data
	ActPage      = "pg"      // argument: list "." page "." version ["." context]; another page of a picker
	ActAssign    = "asg"     // argument: case number "." manager reference; an admin gives a case to a manager
	ActCorrect   = "mtc"     // argument: case number; a manager corrects a translated message
	ActNoMT      = "nomt"    // argument: off, on; the client turns machine translation off or on
	ActStandIn   = "sub"     // argument: from "." to "." manager reference; an absent manager's substitute
	ActVisit     = "vis"     // argument: case number; a manager proposes a home visit: the days
	ActVisitDay  = "vsd"     // argument: case number "." day 20060102; the time windows of a visit
	ActVisitAt   = "vsp"     // argument: case number "." day "." hour ["." y|n, with an interpreter or not ["." district]]; propose the visit
	ActVisitHome = "vsh"     // argument: an appointment id; the client will be home for the visit
	ActVisitLate = "vsl"     // argument: an appointment id; the client asks for another time
	ActNotices   = "ansn"    // argument: off, on; a manager turns the notices of clients' answers off or on
)

// Actions of the integration plan (plan.go).
const (
	ActPlan         = "pl"   // argument: case number; a manager looks at the case's plan
	ActPlanStatus   = "pls"  // argument: case number "." goal "." a|p|r|d; a manager sets a goal's status
	ActPlanAgree    = "pla"  // argument: case number; a manager sends the plan to the client to confirm
	ActPlanOK       = "plok" // argument: the plan's revision; the client confirms it
	ActStepDone     = "psd"  // argument: goal "." step; the client did a step of their plan
	ActStepHelp     = "psh"  // argument: goal "." step; the client needs help with a step
	ActPlanStepDone = "pss"  // argument: case number "." goal "." step; a manager marks a step done
	ActPlanAdd      = "pln"  // argument: case number; a manager adds a goal: the fields of action
	ActPlanField    = "plf"  // argument: case number "." field; the common goals of the field
	ActPlanGoal     = "plg"  // argument: case number "." common goal; the dates to choose from
	ActPlanDate     = "pld"  // argument: case number "." common goal "." day 20060102; add the goal
	ActPlanOwn      = "plo"  // argument: case number "." field ["." day]; a goal in the manager's own words
	ActPlanStep     = "plx"  // argument: case number "." goal ["." who ["." day]]; add a step: who, when, then the words
)

// Actions of the services directory and referrals (services.go, referral.go).
const (
	ActServices = "svc" // argument: none, or a category; the client's "Help nearby"
	ActService  = "svs" // argument: a service id; the client looks at a service's card
)

// Actions of households (household.go).
const (
	ActFamily    = "fam" // argument: none, "add", or a relation; the client's family screen, inviting someone
	ActHousehold = "hh"  // argument: case number ["." relation]; a manager invites a family member into a case
)

var (
	dayArg     = regexp.MustCompile(`^[0-9]{8}$`)
	slotArg    = regexp.MustCompile(`^` + slotRefPattern + `$`)
	topicArg   = regexp.MustCompile(`^` + slotRefPattern + `\.[a-z0-9][a-z0-9-]{0,23}$`)
	choiceArg  = regexp.MustCompile(`^` + slotRefPattern + `\.[a-z0-9][a-z0-9-]{0,23}\.[yn]$`)
	apptArg    = regexp.MustCompile(`^A-[0-9]{1,12}$`)
	bookForArg = regexp.MustCompile(`^[0-9]{1,9}\.` + slotRefPattern + `(\.y)?$`)
	assignArg  = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,4}[a-z]{2}$`)
	standInArg = regexp.MustCompile(`^[0-9]{8}\.[0-9]{8}\.[0-9]{1,4}[a-z]{2}$`)
	visitDay   = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{8}$`)
	visitAt    = regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{8}\.[0-9]{2}(\.[yn](\.[a-z0-9][a-z0-9_-]{0,31})?)?$`)
)

// Menu items.
const (
	ItemHome     = "home"
	ItemLanguage = "language"
	ItemPrivacy  = "privacy"
	ItemHelp     = "help"
	ItemToday    = "today"   // staff: today's appointments
	ItemWeek     = "week"    // staff: the next seven days' appointments
	ItemBlock    = "block"   // staff: block a day
	ItemInvite   = "invite"  // staff: invite a client
	ItemClients  = "clients" // staff: their cases
	ItemNews     = "news"    // staff: group news
	ItemPlan     = "plan"    // the client's integration plan
)

// Action is parsed button data.
type Action struct {
	Name string
	Arg  string
}

// Data encodes an action as button data.
func Data(name string, arg ...string) string {
	return strings.Join(append([]string{dataVersion, name}, arg...), ":")
}

// ParseData parses button data. ok is false for anything that is not well-formed data of the
// current version naming a known action with a plausible argument.
func ParseData(data string) (a Action, ok bool) {
	if len(data) == 0 || len(data) > 64 {
		return Action{}, false
	}
	parts := strings.Split(data, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != dataVersion {
		return Action{}, false
	}
	a.Name = parts[1]
	if len(parts) == 3 {
		a.Arg = parts[2]
	}
	switch a.Name {
	case ActLanguage:
		_, ok = LookupLanguage(a.Arg)
	case ActLanguages, ActFAQ, ActAppts, ActWrite, ActMyData:
		ok = len(parts) == 2
	case ActBook:
		ok = len(parts) == 2 || stepArg.MatchString(a.Arg) // a plan step the appointment is about
	case ActBookFor:
		ok = bookForArg.MatchString(a.Arg)
	case ActDistrict:
		ok = a.Arg == "-" || idPattern.MatchString(a.Arg)
	case ActCommune:
		ok = len(parts) == 2 || idPattern.MatchString(a.Arg)
	case ActDay, ActBlock:
		ok = dayArg.MatchString(a.Arg)
	case ActTime:
		ok = slotArg.MatchString(a.Arg)
	case ActTopicFor:
		ok = topicArg.MatchString(a.Arg)
	case ActInterp, ActConfirm:
		ok = choiceArg.MatchString(a.Arg)
	case ActVisit:
		ok = caseArg.MatchString(a.Arg)
	case ActVisitDay:
		ok = visitDay.MatchString(a.Arg)
	case ActVisitAt:
		ok = visitAt.MatchString(a.Arg)
	case ActCancel, ActResched, ActWillCome, ActCame, ActMissed, ActVisitHome, ActVisitLate:
		ok = apptArg.MatchString(a.Arg)
	case ActTopic, ActQuestion, ActAsk:
		ok = faqID.MatchString(a.Arg)
	case ActConsent:
		ok = a.Arg == "yes" || a.Arg == "no"
	case ActNewsOff:
		ok = a.Arg == "off" || a.Arg == "on"
	case ActErase:
		ok = a.Arg == "ask" || a.Arg == "yes"
	case ActNoMT, ActNotices:
		ok = a.Arg == "off" || a.Arg == "on"
	case ActFamily:
		ok = a.Arg == "" || a.Arg == "add" || slices.Contains(relations, a.Arg)
	case ActHousehold:
		n, relation, more := strings.Cut(a.Arg, ".")
		ok = caseArg.MatchString(n) && (!more || slices.Contains(relations, relation))
	case ActServices:
		ok = len(parts) == 2 || serviceArg.MatchString(a.Arg)
	case ActService:
		ok = serviceArg.MatchString(a.Arg)
	case ActRefer:
		ok = referArg.MatchString(a.Arg)
	case ActReferTo:
		ok = referToArg.MatchString(a.Arg)
	case ActFollowUp:
		ok = followUpArg.MatchString(a.Arg)
	case ActPlanStatus:
		ok = planStatusArg.MatchString(a.Arg)
	case ActPlanOK:
		ok = revisionArg.MatchString(a.Arg)
	case ActPlanStepDone:
		ok = planStepArg.MatchString(a.Arg)
	case ActPlanField, ActPlanGoal:
		ok = planFieldArg.MatchString(a.Arg)
	case ActPlanDate:
		ok = planDateArg.MatchString(a.Arg)
	case ActPlanOwn:
		ok = planOwnArg.MatchString(a.Arg)
	case ActPlanStep:
		ok = planStepDraftArg.MatchString(a.Arg)
	case ActStepDone, ActStepHelp:
		ok = stepArg.MatchString(a.Arg)
	case ActTake, ActProfile, ActTemplates, ActCorrect, ActPlan, ActPlanAgree, ActPlanAdd:
		ok = caseArg.MatchString(a.Arg)
	case ActTemplate:
		ok = templateArg.MatchString(a.Arg)
	case ActSendTo:
		ok = sendToArg.MatchString(a.Arg)
	case ActActivity:
		ok = activityArg.MatchString(a.Arg)
	case ActJoin:
		ok = joinArg.MatchString(a.Arg)
	case ActNews:
		ok = newsArg.MatchString(a.Arg)
	case ActNewsSend:
		ok = newsArg.MatchString(a.Arg) && strings.Count(a.Arg, ".") == 2
	case ActPage:
		_, ok = parsePage(a.Arg)
	case ActAssign:
		ok = assignArg.MatchString(a.Arg)
	case ActStandIn:
		ok = standInArg.MatchString(a.Arg)
	case ActMenu:
		ok = a.Arg == ItemHome || a.Arg == ItemLanguage || a.Arg == ItemPrivacy || a.Arg == ItemHelp || a.Arg == ItemToday || a.Arg == ItemWeek || a.Arg == ItemBlock || a.Arg == ItemInvite || a.Arg == ItemClients || a.Arg == ItemNews || a.Arg == ItemPlan
	}
	return a, ok
}
