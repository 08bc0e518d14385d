package store

import (
	"encoding/json"
	"fmt"

	"github.com/lotse-bot/lotse/flows"
)

// bucketPlans holds each client's integration plan: client id → Plan.
var bucketPlans = []byte("plans")

// Plan returns a client's integration plan, or an error with code ENotFound.
func (t *tx) Plan(client int64) (*flows.Plan, error) {
	raw := t.bolt.Bucket(bucketPlans).Get(i64(client))
	if raw == nil {
		return nil, flows.Errorf(flows.ENotFound, "plan not found")
	}
	var p flows.Plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	return &p, nil
}

// PutPlan stores a client's integration plan.
func (t *tx) PutPlan(p *flows.Plan) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return t.bolt.Bucket(bucketPlans).Put(i64(p.Client), raw)
}

// DeletePlan removes a client's integration plan, if there is one.
func (t *tx) DeletePlan(client int64) error { return t.bolt.Bucket(bucketPlans).Delete(i64(client)) }
