package stripe

import (
	"strings"

	"basketball"
)

// PaymentEvent converts a parsed event to the domain's view of it; parseErr
// is ParseWebhook's ErrMalformed error, if any. The webhook and
// reconciliation both read events through here, so both apply the same.
func PaymentEvent(ev Event, parseErr error) basketball.PaymentEvent {
	pe := basketball.PaymentEvent{
		ID: ev.ID, Type: ev.Type,
		MetadataType:    ev.Metadata[MetaType],
		RegistrationRef: ev.Metadata[MetaRegistrationID],
		SessionID:       ev.SessionID,
		PaymentStatus:   ev.PaymentStatus,
		PaymentIntentID: ev.PaymentIntentID,
		AmountTotal:     ev.AmountTotal,
		HasAmount:       ev.HasAmountTotal,
		Currency:        strings.ToLower(ev.Currency),
	}
	switch ev.Type {
	case EventChargeRefunded:
		pe.PaymentIntentID = ev.ChargePaymentIntentID
		pe.FullyRefunded = ev.ChargeRefunded || (ev.ChargeAmount > 0 && ev.ChargeAmountRefunded >= ev.ChargeAmount)
	case EventChargeDisputeCreated, EventChargeDisputeClosed:
		pe.PaymentIntentID = ev.DisputePaymentIntentID
		pe.DisputeStatus = ev.DisputeStatus
	}
	if parseErr != nil {
		pe.Malformed = parseErr.Error()
		if len(pe.Malformed) > 300 {
			pe.Malformed = pe.Malformed[:300]
		}
	}
	return pe
}
