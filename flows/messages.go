package flows

import "strings"

// A MessageFamily is a set of catalog messages whose ids the code builds at run time, as
// "PlanField" + an id or a template's id + "Label", so no string literal names them.
// locales/ids_test.go enumerates the families to prove that each such message is in the
// catalogs and that every catalog message is used.
type MessageFamily struct {
	Prefix string   // the literal start of every id of the family, or ""
	Suffix string   // the literal end of every id of the family, or ""
	IDs    []string // every id the code can build, from the same lists the code uses
}

// MessageFamilies returns every family of message ids built at run time.
func MessageFamilies() []MessageFamily {
	var languages, fields, goals, relationIDs, statuses, staffStatuses, labels []string
	for _, l := range Languages {
		languages = append(languages, LanguageNameID(l.Option))
	}
	for _, f := range shippedFields {
		fields = append(fields, "PlanField"+catalogID(f.ID))
	}
	for _, g := range shippedGoals {
		goals = append(goals, "PlanGoal"+catalogID(g.ID))
	}
	for _, r := range relations {
		relationIDs = append(relationIDs, "Relation"+catalogID(r))
	}
	// goalLine names every status; the manager's buttons offer every status but the first,
	// agreed, which a goal only has before anyone changed it.
	for _, s := range []GoalStatus{GoalAgreed, GoalActive, GoalReached, GoalDropped} {
		id := catalogID(strings.ReplaceAll(string(s), "_", "-"))
		statuses = append(statuses, "PlanStatus"+id)
		if s != GoalAgreed {
			staffStatuses = append(staffStatuses, "StaffPlanSet"+id)
		}
	}
	var categories []string
	for _, c := range ServiceCategories {
		categories = append(categories, "ServiceCategory"+catalogID(c.ID))
	}
	for _, tpl := range append(append([]readyMade(nil), templates...), newsTemplates...) {
		labels = append(labels, tpl.msg+"Label")
	}
	var activities []string
	for _, tpl := range activityTemplates {
		activities = append(activities, tpl.msg)
	}
	return []MessageFamily{
		{Prefix: "ActivityTitle", IDs: activities},
		{Prefix: "LanguageName", IDs: languages},
		{Prefix: "PlanField", IDs: fields},
		{Prefix: "PlanGoal", IDs: goals},
		{Prefix: "Relation", IDs: relationIDs},
		{Prefix: "PlanStatus", IDs: statuses},
		{Prefix: "StaffPlanSet", IDs: staffStatuses},
		{Suffix: "Label", IDs: labels},
		{Prefix: "ServiceCategory", IDs: categories},
	}
}
