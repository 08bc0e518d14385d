package store

import (
	"bytes"
	"strconv"
	"time"

	"github.com/lotse-bot/lotse/flows"
)

// Group activities and the clients' answers. An answer belongs to its client: it is reached
// through the client's index for export and erasure, and the activity's seats are counted
// from the answers, so an erased client's yes frees its seat and leaves no trace.
var (
	bucketActivities      = []byte("activities")        // id → Activity
	bucketActivityAnswers = []byte("activity_answers")  // activity id, 0, client → Answer
	bucketAnswersByClient = []byte("answers_by_client") // client, activity id → nothing
	activityBuckets       = [][]byte{bucketActivities, bucketActivityAnswers, bucketAnswersByClient}
)

func answerKey(activity string, client int64) []byte {
	return append(append([]byte(activity), 0), i64(client)...)
}

// PutActivity stores an activity; one without an ID gets the next, V1, V2, ….
func (t *tx) PutActivity(a *flows.Activity) error {
	b := t.bolt.Bucket(bucketActivities)
	if a.ID == "" {
		n, err := b.NextSequence()
		if err != nil {
			return err
		}
		a.ID = "V" + strconv.FormatUint(n, 10)
	}
	return putRecord(b, []byte(a.ID), a)
}

// Activity returns an activity, or fails with ENotFound.
func (t *tx) Activity(id string) (*flows.Activity, error) {
	return getRecord[flows.Activity](t.bolt.Bucket(bucketActivities), []byte(id), "activity")
}

// Activities calls fn for every activity until fn fails.
func (t *tx) Activities(fn func(*flows.Activity) error) error {
	return eachRecord(t.bolt.Bucket(bucketActivities), nil, "activity", func(_ []byte, a *flows.Activity) error { return fn(a) })
}

// PutAnswer stores a client's answer to an activity, and indexes it under the client.
func (t *tx) PutAnswer(a *flows.Answer) error {
	if err := t.bolt.Bucket(bucketAnswersByClient).Put(append(i64(a.Client), a.Activity...), nil); err != nil {
		return err
	}
	return putRecord(t.bolt.Bucket(bucketActivityAnswers), answerKey(a.Activity, a.Client), a)
}

// Answer returns a client's answer to an activity, or fails with ENotFound.
func (t *tx) Answer(activity string, client int64) (*flows.Answer, error) {
	return getRecord[flows.Answer](t.bolt.Bucket(bucketActivityAnswers), answerKey(activity, client), "answer")
}

// Answers returns the answers to an activity, in the order of the clients' ids.
func (t *tx) Answers(activity string) ([]*flows.Answer, error) {
	var out []*flows.Answer
	err := eachRecord(t.bolt.Bucket(bucketActivityAnswers), append([]byte(activity), 0), "answer", func(_ []byte, a *flows.Answer) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// clientAnswers returns a client's answers through the client's index.
func (t *tx) clientAnswers(client int64) []*flows.Answer {
	var out []*flows.Answer
	for _, k := range prefixKeys(t.bolt.Bucket(bucketAnswersByClient), i64(client)) {
		if a, err := t.Answer(string(k[8:]), client); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// eraseAnswers deletes a client's answers and their index entries.
func (t *tx) eraseAnswers(client int64) error {
	byClient, answers := t.bolt.Bucket(bucketAnswersByClient), t.bolt.Bucket(bucketActivityAnswers)
	for _, k := range prefixKeys(byClient, i64(client)) {
		if err := answers.Delete(answerKey(string(k[8:]), client)); err != nil {
			return err
		}
		if err := byClient.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// purgeActivities deletes the activities that took place before before, with their answers.
// A town holds a few activities a week, so reading them all costs little.
func (t *tx) purgeActivities(before time.Time) (int, error) {
	var old []string
	err := t.Activities(func(a *flows.Activity) error {
		if a.Start.Before(before) {
			old = append(old, a.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	answers, byClient := t.bolt.Bucket(bucketActivityAnswers), t.bolt.Bucket(bucketAnswersByClient)
	for _, id := range old {
		for _, k := range prefixKeys(answers, append([]byte(id), 0)) {
			client := k[len(id)+1:]
			if err := byClient.Delete(append(bytes.Clone(client), id...)); err != nil {
				return n, err
			}
			if err := answers.Delete(k); err != nil {
				return n, err
			}
			n++
		}
		if err := t.bolt.Bucket(bucketActivities).Delete([]byte(id)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
