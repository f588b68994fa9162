package enforce

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/altcontacts/altcontacts/internal/contact"
)

// Kinds of event the enforcer acts on.
const (
	KindCreateManagedAccount = "CreateManagedAccount" // Control Tower
	KindUpdateManagedAccount = "UpdateManagedAccount" // Control Tower
	KindCreateAccountResult  = "CreateAccountResult"  // Organizations
	KindInvite               = "InviteAccountToOrganization"
	KindAcceptHandshake      = "AcceptHandshake"
	KindMoveAccount          = "MoveAccount"
	KindPutContact           = "PutAlternateContact"
	KindDeleteContact        = "DeleteAlternateContact"
	KindSweep                = "ScheduledSweep"
)

// ErrUnrecognized is an event the enforcer has no rule for.
var ErrUnrecognized = errors.New("unrecognized event")

// Event is what the enforcer learned from an EventBridge event.
type Event struct {
	Kind string `json:"kind"`
	// Account is the account to act on ("" for the sweep).
	Account string `json:"account,omitempty"`
	// ContactType is set for drift events.
	ContactType string `json:"contact_type,omitempty"`
	// Ignore, when set, says why the event needs no action (a FAILED
	// lifecycle event, an invitation not yet accepted).
	Ignore string `json:"ignore,omitempty"`
	// Principal is who made an API call (for drift).
	Principal string `json:"principal,omitempty"`
}

// envelope is the EventBridge event around a CloudTrail record.
type envelope struct {
	Source     string          `json:"source"`
	DetailType string          `json:"detail-type"`
	Account    string          `json:"account"`
	Detail     json.RawMessage `json:"detail"`
}

type detail struct {
	EventName    string `json:"eventName"`
	EventSource  string `json:"eventSource"`
	ErrorCode    string `json:"errorCode"`
	UserIdentity struct {
		Type           string `json:"type"`
		ARN            string `json:"arn"`
		AccountID      string `json:"accountId"`
		SessionContext struct {
			SessionIssuer struct {
				ARN      string `json:"arn"`
				UserName string `json:"userName"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	ServiceEventDetails struct {
		CreateManagedAccountStatus *ctStatus `json:"createManagedAccountStatus"`
		UpdateManagedAccountStatus *ctStatus `json:"updateManagedAccountStatus"`
		CreateAccountStatus        *struct {
			State         string `json:"state"`
			AccountID     string `json:"accountId"`
			FailureReason string `json:"failureReason"`
		} `json:"createAccountStatus"`
	} `json:"serviceEventDetails"`
}

type ctStatus struct {
	State   string `json:"state"`
	Message string `json:"message"`
	Account struct {
		AccountID string `json:"accountId"`
	} `json:"account"`
}

// Parse reads an EventBridge event (the shapes are in docs/deploy.md,
// "Events handled", and testdata/events) into what the enforcer
// should do.
func Parse(raw []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return Event{}, fmt.Errorf("%w: not JSON: %v", ErrUnrecognized, err)
	}
	if env.Source == "aws.events" && env.DetailType == "Scheduled Event" {
		return Event{Kind: KindSweep}, nil
	}
	var d detail
	if len(env.Detail) > 0 {
		if err := json.Unmarshal(env.Detail, &d); err != nil {
			return Event{}, fmt.Errorf("%w: detail: %v", ErrUnrecognized, err)
		}
	}
	ev := Event{Kind: d.EventName}
	if d.ErrorCode != "" {
		// A call that failed changed nothing.
		ev.Ignore = "the API call failed with " + d.ErrorCode
	}
	switch {
	case env.Source == "aws.controltower" && (d.EventName == KindCreateManagedAccount || d.EventName == KindUpdateManagedAccount):
		st := d.ServiceEventDetails.CreateManagedAccountStatus
		if d.EventName == KindUpdateManagedAccount {
			st = d.ServiceEventDetails.UpdateManagedAccountStatus
		}
		if st == nil {
			return Event{}, fmt.Errorf("%w: %s without its status", ErrUnrecognized, d.EventName)
		}
		ev.Account = st.Account.AccountID
		if st.State != "SUCCEEDED" {
			ev.Ignore = "lifecycle state " + st.State
		}
	case env.Source == "aws.organizations" && d.EventName == KindCreateAccountResult:
		st := d.ServiceEventDetails.CreateAccountStatus
		if st == nil {
			return Event{}, fmt.Errorf("%w: CreateAccountResult without createAccountStatus", ErrUnrecognized)
		}
		ev.Account = st.AccountID
		if st.State != "SUCCEEDED" {
			ev.Ignore = "account creation " + st.State
			if st.FailureReason != "" {
				ev.Ignore += " (" + st.FailureReason + ")"
			}
		}
	case env.Source == "aws.organizations" && d.EventName == KindInvite:
		var rp struct {
			Target struct{ Type, ID string } `json:"target"`
		}
		json.Unmarshal(d.RequestParameters, &rp)
		if strings.EqualFold(rp.Target.Type, "ACCOUNT") {
			ev.Account = rp.Target.ID
		}
		if ev.Account == "" {
			var re struct {
				Handshake struct {
					Parties []struct{ Type, ID string } `json:"parties"`
				} `json:"handshake"`
			}
			json.Unmarshal(d.ResponseElements, &re)
			for _, p := range re.Handshake.Parties {
				if p.Type == "ACCOUNT" {
					ev.Account = p.ID
				}
			}
		}
		if ev.Account == "" {
			ev.Ignore = "the invitation names an email address, not an account; the account is handled when it accepts or by the sweep"
		}
	case env.Source == "aws.organizations" && d.EventName == KindAcceptHandshake:
		var re struct {
			Handshake struct {
				Action  string                      `json:"action"`
				Parties []struct{ Type, ID string } `json:"parties"`
			} `json:"handshake"`
		}
		json.Unmarshal(d.ResponseElements, &re)
		for _, p := range re.Handshake.Parties {
			if p.Type == "ACCOUNT" {
				ev.Account = p.ID
			}
		}
		if ev.Account == "" {
			// The invited account makes the call.
			ev.Account = firstNonEmpty(d.RecipientAccountID, d.UserIdentity.AccountID)
		}
	case env.Source == "aws.organizations" && d.EventName == KindMoveAccount:
		var rp struct {
			AccountID string `json:"accountId"`
		}
		json.Unmarshal(d.RequestParameters, &rp)
		ev.Account = rp.AccountID
	case env.Source == "aws.account" && (d.EventName == KindPutContact || d.EventName == KindDeleteContact):
		var rp struct {
			AccountID            string `json:"accountId"`
			AlternateContactType string `json:"alternateContactType"`
		}
		json.Unmarshal(d.RequestParameters, &rp)
		// Without accountId the call acted on the caller's own account.
		ev.Account = firstNonEmpty(rp.AccountID, d.RecipientAccountID, d.UserIdentity.AccountID)
		ev.ContactType = rp.AlternateContactType
		ev.Principal = firstNonEmpty(d.UserIdentity.SessionContext.SessionIssuer.ARN, d.UserIdentity.ARN)
	default:
		return Event{}, fmt.Errorf("%w: source %q, detail-type %q, eventName %q", ErrUnrecognized, env.Source, env.DetailType, d.EventName)
	}
	if ev.Account == "" && ev.Ignore == "" {
		return Event{}, fmt.Errorf("%w: %s names no account", ErrUnrecognized, ev.Kind)
	}
	if ev.Account != "" && !contact.IsAccountID(ev.Account) {
		return Event{}, fmt.Errorf("%w: %s names account %q, not 12 digits", ErrUnrecognized, ev.Kind, ev.Account)
	}
	return ev, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
