package stripe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// fields reads a JSON object one field at a time, so that one field of the
// wrong type does not hide the others: a malformed event is still recorded
// with everything that could be read from it. Problems are collected, named
// by their path, in a list shared with the nested objects.
type fields struct {
	m    map[string]json.RawMessage
	path string
	errs *[]error
}

// readFields starts reading raw, which should be a JSON object.
func readFields(raw []byte) *fields {
	f := &fields{errs: new([]error)}
	f.m = f.parse("body", raw)
	return f
}

func (f *fields) fail(key string, format string, args ...any) {
	*f.errs = append(*f.errs, fmt.Errorf("%s: %s", f.at(key), fmt.Sprintf(format, args...)))
}

func (f *fields) at(key string) string {
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

func (f *fields) parse(path string, raw []byte) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		*f.errs = append(*f.errs, fmt.Errorf("%s: not a JSON object", path))
		return nil
	}
	return m
}

// object returns the nested object at key; ok is false (and a problem
// recorded) when it is missing or not an object.
func (f *fields) object(key string) (sub *fields, ok bool) {
	sub = &fields{path: f.at(key), errs: f.errs}
	raw, present := f.m[key]
	if !present {
		f.fail(key, "missing")
		return sub, false
	}
	sub.m = f.parse(sub.path, raw)
	return sub, sub.m != nil
}

// decode unmarshals key into v; a missing or null field leaves v untouched.
// It reports false when the value was of the wrong type, and v may then be
// half-filled.
func (f *fields) decode(key string, v any) bool {
	raw, ok := f.m[key]
	if !ok || isNull(raw) {
		return true
	}
	if err := json.Unmarshal(raw, v); err != nil {
		f.fail(key, "%v", err)
		return false
	}
	return true
}

// intPresent reads an integer field and reports whether it was there,
// not null and of the right type.
func (f *fields) intPresent(key string) (int64, bool) {
	raw, ok := f.m[key]
	if !ok || isNull(raw) {
		return 0, false
	}
	var n int64
	return n, f.decode(key, &n)
}

func (f *fields) str(key string) string {
	var s string
	f.decode(key, &s)
	return s
}

func (f *fields) int(key string) int64 {
	var n int64
	f.decode(key, &n)
	return n
}

func (f *fields) bool(key string) bool {
	var b bool
	f.decode(key, &b)
	return b
}

func (f *fields) strMap(key string) map[string]string {
	var m map[string]string
	if !f.decode(key, &m) {
		// Half a map could name a registration the sender did not mean.
		return nil
	}
	return m
}

// expandableID reads a field Stripe sends either as an id string or, when
// expanded, as an object with an "id".
func (f *fields) expandableID(key string) string {
	raw, ok := f.m[key]
	if !ok || isNull(raw) {
		return ""
	}
	var id string
	if json.Unmarshal(raw, &id) == nil {
		return id
	}
	var obj struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		f.fail(key, "neither an id nor an object with an id")
		return ""
	}
	return obj.ID
}

// require records a problem when a field the caller cannot do without is
// absent, null or "". A value of the wrong type was recorded when read.
func (f *fields) require(key string) {
	raw, ok := f.m[key]
	if !ok || isNull(raw) || bytes.Equal(raw, []byte(`""`)) {
		f.fail(key, "missing")
	}
}

// err returns every problem met so far, or nil.
func (f *fields) err() error { return errors.Join(*f.errs...) }

func isNull(raw json.RawMessage) bool { return bytes.Equal(raw, []byte("null")) }
