package store

import (
	"github.com/lotse-bot/lotse/flows"
)

// bucketPlans holds each client's integration plan: client id → Plan.
var bucketPlans = []byte("plans")

// Plan returns a client's integration plan, or an error with code ENotFound.
func (t *tx) Plan(client int64) (*flows.Plan, error) {
	return getRecord[flows.Plan](t.bolt.Bucket(bucketPlans), i64(client), "plan")
}

// PutPlan stores a client's integration plan.
func (t *tx) PutPlan(p *flows.Plan) error {
	return putRecord(t.bolt.Bucket(bucketPlans), i64(p.Client), p)
}

// DeletePlan removes a client's integration plan, if there is one.
func (t *tx) DeletePlan(client int64) error { return t.bolt.Bucket(bucketPlans).Delete(i64(client)) }
