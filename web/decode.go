package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"

	"basketball"
)

// MaxBodyBytes bounds API and form bodies (SPEC: over 64 KiB answers 413).
const MaxBodyBytes = 64 << 10

// decodeJSON reads one JSON object into v, whatever the Content-Type says
// (curl -d sends form encoding by default), rejecting unknown fields (422),
// trailing data and malformed JSON (400) and oversized bodies (413).
func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return basketball.Errorf(basketball.EBodyTooLarge, "the request body is larger than %d bytes", MaxBodyBytes)
	}
	if err != nil {
		return basketball.Errorf(codeBadJSON, "could not read the request body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if path := unknownFieldPath(body, reflect.TypeOf(v)); path != "" {
			field = path
		}
		field = basketball.Echo(field) // a key can be 64 KiB long
		return &basketball.Error{Code: basketball.EInvalid, Message: fmt.Sprintf("unknown field %q", field),
			Fields: map[string]string{field: "is not a known field"}}
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return &basketball.Error{Code: basketball.EInvalid, Message: fmt.Sprintf("field %q has the wrong type", field),
			Fields: map[string]string{field: "must be " + jsonKind(typeErr.Type)}}
	case errors.Is(err, io.EOF):
		return &basketball.Error{Code: codeBadJSON, Message: "the request body is empty; send a JSON object", Err: errEmptyBody}
	}
	return basketball.Errorf(codeBadJSON, "the request body is not valid JSON: %v", err)
}

// errEmptyBody marks a request without a body.
var errEmptyBody = errors.New("empty body")

// jsonKind names what a JSON value must be, for people.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "of another type"
}

// unknownFieldPath finds the first key of the JSON object data that t (a
// struct, or a pointer to one) does not have, as a dotted path such as
// "parent.nickname", since encoding/json names only the last key.
func unknownFieldPath(data []byte, t reflect.Type) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[strings.ToLower(name)] = f.Type
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ft, ok := fields[strings.ToLower(k)]
		if !ok {
			return k
		}
		if sub := unknownFieldPath(obj[k], ft); sub != "" {
			return k + "." + sub
		}
	}
	return ""
}
