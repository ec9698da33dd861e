#!/usr/bin/env bash
# Posts a Stripe-format webhook event for a registration to a running
# basketball-api, signed like Stripe signs it (HMAC-SHA256 of "t.payload"
# with the webhook secret), so the money path can be driven by hand:
#
#   STRIPE_WEBHOOK_SECRET=whsec_… scripts/send-stripe-event.sh REGISTRATION_ID [TYPE] [AMOUNT_CENTS]
#
# TYPE defaults to checkout.session.completed (payment_status paid);
# checkout.session.expired and checkout.session.async_payment_failed work
# too. BASE_URL defaults to http://localhost:8080.
set -euo pipefail
reg="${1:?usage: $0 REGISTRATION_ID [TYPE] [AMOUNT_CENTS]}"
type="${2:-checkout.session.completed}"
amount="${3:-3000}"
secret="${STRIPE_WEBHOOK_SECRET:?set STRIPE_WEBHOOK_SECRET to the webhook secret of the server}"
base="${BASE_URL:-http://localhost:8080}"
rand() { head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
status=paid
pi="\"pi_manual_$(rand)\""
if [ "$type" != checkout.session.completed ] && [ "$type" != checkout.session.async_payment_succeeded ]; then
  status=unpaid
  pi=null
fi
now=$(date +%s)
payload=$(cat <<JSON
{"id":"evt_manual_$(rand)","object":"event","api_version":"2024-06-20","created":$now,"type":"$type","livemode":false,
 "data":{"object":{"id":"${SESSION_ID:-cs_manual_$(rand)}","object":"checkout.session","payment_status":"$status",
  "payment_intent":$pi,"amount_total":$amount,"currency":"usd","client_reference_id":"$reg",
  "metadata":{"type":"tryout_registration","registration_id":"$reg"}}}}
JSON
)
sig=$(printf '%s.%s' "$now" "$payload" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.*= //')
curl -sS -X POST "$base/webhooks/stripe" -H "Stripe-Signature: t=$now,v1=$sig" -H 'Content-Type: application/json' --data-binary "$payload"
echo
