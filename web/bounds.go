package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"unicode/utf8"
)

// What a client sends is bounded before it reaches a metric label or a log
// line: every label takes one of a few known values, and every logged
// request field is cut to maxLogField bytes. Otherwise 300 requests with
// ~900 KB method names grow /metrics, the log and the process by hundreds
// of megabytes for good (issue 9).

// maxLogField bounds each request field (method, path) in the log.
const maxLogField = 200

// logField cuts s to maxLogField bytes, on a character boundary, and says
// how long it was.
func logField(s string) string {
	if len(s) <= maxLogField {
		return s
	}
	cut := maxLogField
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…[truncated, %d bytes]", len(s))
}

// metricMethod is the method label: the standard methods, else "other".
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "other"
}

// rateKey is the client the rate limit counts: an IPv4 address, or the /64
// of an IPv6 one. An ISP gives each home or phone a whole /64, and its
// owner can pick any address in it: per address, one client would count as
// 2^64 clients.
func rateKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}
