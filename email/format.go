package email

import (
	"fmt"
	"strings"
	"time"
)

// formatWhen renders a tryout's time span in its own zone, for example
// "Saturday, January 9, 2027, 9:00 AM – 11:00 AM CST". A span over midnight
// repeats the date; a span over a daylight-saving change names both zones.
func formatWhen(start, end time.Time, loc *time.Location) string {
	const day = "Monday, January 2, 2006, "
	start, end = start.In(loc), end.In(loc)
	startZone, _ := start.Zone()
	endZone, _ := end.Zone()

	first := start.Format(day + "3:04 PM")
	if startZone != endZone {
		first += " " + startZone
	}
	sy, sm, sd := start.Date()
	ey, em, ed := end.Date()
	if sy == ey && sm == em && sd == ed {
		return first + " – " + end.Format("3:04 PM MST")
	}
	return first + " – " + end.Format(day+"3:04 PM MST")
}

// minorUnits lists currencies whose smallest unit is not a hundredth, as
// Stripe counts amounts; every other currency has two decimals.
var minorUnits = map[string]int{
	"bif": 0, "clp": 0, "djf": 0, "gnf": 0, "jpy": 0, "kmf": 0, "krw": 0, "mga": 0,
	"pyg": 0, "rwf": 0, "ugx": 0, "vnd": 0, "vuv": 0, "xaf": 0, "xof": 0, "xpf": 0,
	"bhd": 3, "jod": 3, "kwd": 3, "omr": 3, "tnd": 3,
}

// formatAmount renders an amount in the currency's smallest unit: "$30.00"
// for usd, "30.00 EUR" or "3000 JPY" for others.
func formatAmount(amount int64, currency string) (string, error) {
	cur := strings.ToLower(strings.TrimSpace(currency))
	if len(cur) != 3 || strings.Trim(cur, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "", fmt.Errorf("email: currency %q is not an ISO 4217 code", currency)
	}
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	digits, ok := minorUnits[cur]
	if !ok {
		digits = 2
	}
	number := fmt.Sprint(amount)
	if digits > 0 {
		scale := int64(1)
		for range digits {
			scale *= 10
		}
		number = fmt.Sprintf("%d.%0*d", amount/scale, digits, amount%scale)
	}
	if cur == "usd" {
		return sign + "$" + number, nil
	}
	return sign + number + " " + strings.ToUpper(cur), nil
}

// formatLifespan says how long a link works: "72 hours", "2 days" for
// whole days over three days, "30 minutes" under an hour.
func formatLifespan(d time.Duration) string {
	switch {
	case d >= 96*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour:
		h := (d + 30*time.Minute) / time.Hour
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	default:
		return fmt.Sprintf("%d minutes", (d+30*time.Second)/time.Minute)
	}
}
