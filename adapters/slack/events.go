package slack

import (
	"context"
	"encoding/json"
)

// eventEnvelope is the part of an Events API request referbot reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type    string `json:"type"`
		User    string `json:"user"`
		Tab     string `json:"tab"`
		Channel string `json:"channel"`
	} `json:"event"`
}

func (a *Adapter) eventBody(ctx context.Context, body []byte) (any, error) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, badRequest("malformed event")
	}
	return a.event(ctx, env)
}

// event answers url_verification and refreshes App Home when it opens.
// Slack retries events it thinks were not received (X-Slack-Retry-Num);
// the event id makes a retry a no-op.
func (a *Adapter) event(ctx context.Context, env eventEnvelope) (any, error) {
	switch env.Type {
	case "url_verification":
		return env.Challenge, nil
	case "event_callback":
	default:
		return nil, nil
	}
	if first, err := a.first(ctx, "event", env.EventID); err != nil || !first {
		return nil, err
	}
	if env.Event.Type == "app_home_opened" && env.Event.Tab == "home" && env.Event.User != "" {
		t := team{TeamID: env.TeamID, UserID: env.Event.User}
		a.deadline.Go(ctx, func(ctx context.Context) { a.publishHome(ctx, t) })
	}
	return nil, nil
}
