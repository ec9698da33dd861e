package basketball

import (
	"fmt"
	"strings"
)

// currencies are the ISO 4217 codes Stripe accepts for card payments.
var currencies = map[string]bool{}

// zeroDecimal currencies have no minor unit: 500 "cents" of jpy is ¥500.
var zeroDecimal = map[string]bool{
	"bif": true, "clp": true, "djf": true, "gnf": true, "jpy": true, "kmf": true,
	"krw": true, "mga": true, "pyg": true, "rwf": true, "ugx": true, "vnd": true,
	"vuv": true, "xaf": true, "xof": true, "xpf": true,
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
func FormatAmount(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	var num string
	if zeroDecimal[currency] {
		num = fmt.Sprintf("%d", cents)
	} else {
		num = fmt.Sprintf("%d.%02d", cents/100, cents%100)
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
