package basketball

import (
	"fmt"
	"strings"
)

// currencies are the ISO 4217 codes Stripe accepts for card payments.
var currencies = map[string]bool{}

// minorUnits lists currencies whose smallest unit is not a hundredth, as
// Stripe counts amounts: 500 "cents" of jpy is ¥500, 5124 of kwd is
// 5.124 KWD. Every other currency has two decimals.
var minorUnits = map[string]int{
	"bif": 0, "clp": 0, "djf": 0, "gnf": 0, "jpy": 0, "kmf": 0, "krw": 0, "mga": 0,
	"pyg": 0, "rwf": 0, "ugx": 0, "vnd": 0, "vuv": 0, "xaf": 0, "xof": 0, "xpf": 0,
	"bhd": 3, "jod": 3, "kwd": 3, "omr": 3, "tnd": 3,
}

func init() {
	const list = `usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bif bmd bnd bob brl bsd bwp byn bzd
cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl
htg huf idr ils inr isk jmd jpy kes kgs khr kmf krw kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop
mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr
sek sgd shp sle sos srd std szl thb tjs top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw`
	for _, c := range strings.Fields(list) {
		currencies[c] = true
	}
}

// ValidCurrency reports whether c is a lower-case ISO 4217 code that card
// payments accept.
func ValidCurrency(c string) bool { return currencies[c] }

// FormatAmount renders an amount in minor units for people: "$30.00",
// "€12.50", "¥500", or "12.50 CHF" for currencies without a symbol here.
// Pages and emails both show amounts through it.
func FormatAmount(cents int64, currency string) string {
	currency = strings.ToLower(currency)
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	digits, ok := minorUnits[currency]
	if !ok {
		digits = 2
	}
	num := fmt.Sprint(cents)
	if digits > 0 {
		scale := int64(1)
		for range digits {
			scale *= 10
		}
		num = fmt.Sprintf("%d.%0*d", cents/scale, digits, cents%scale)
	}
	switch currency {
	case "usd":
		return sign + "$" + num
	case "cad", "aud", "nzd":
		return sign + strings.ToUpper(currency[:2]) + "$" + num
	case "eur":
		return sign + "€" + num
	case "gbp":
		return sign + "£" + num
	case "jpy":
		return sign + "¥" + num
	}
	return sign + num + " " + strings.ToUpper(currency)
}
