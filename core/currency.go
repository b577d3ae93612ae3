package core

import "strings"

// The active ISO 4217 currencies, by their minor unit: most have cents
// (two decimals), a few have none (the yen, the won) and a few have
// thousandths (the Gulf dinars). Funds and precious-metal codes (XAU,
// CLF, ...) are left out: nobody is paid a deal in them.
var (
	currencies0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
	currencies3 = "BHD IQD JOD KWD LYD OMR TND"
	currencies2 = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD " +
		"CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD " +
		"HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK " +
		"MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB " +
		"SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD " +
		"UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

// minorDigits maps each known currency code to its number of decimals.
var minorDigits = func() map[string]int {
	m := map[string]int{}
	for digits, list := range map[int]string{0: currencies0, 2: currencies2, 3: currencies3} {
		for _, c := range strings.Fields(list) {
			m[c] = digits
		}
	}
	return m
}()

// IsCurrency reports whether code (any case) is an active ISO 4217
// currency code, such as USD, eur or JPY.
func IsCurrency(code string) bool {
	_, ok := minorDigits[strings.ToUpper(code)]
	return ok && len(code) == 3
}

// MinorDigits is how many decimals the currency has: 2 for USD or EUR, 0
// for JPY or KRW, 3 for KWD. An empty or unknown code counts as 2, which
// is also how an amount typed without a currency is held.
func MinorDigits(code string) int {
	if d, ok := minorDigits[strings.ToUpper(code)]; ok {
		return d
	}
	return 2
}
