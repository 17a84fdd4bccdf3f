package tryton

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/accord-mdm/accord/connectors"
)

// rpcFailure is an error Tryton returned in a JSON-RPC response: ["UserError", [message,
// description, domain]], ["ConcurrencyException", message], or, for an unexpected Python
// exception, [text, traceback].
type rpcFailure struct {
	kind    string // UserError, UserWarning, ConcurrencyException, LoginException, or "" for others
	message string
}

// rpcError classifies the error member of a JSON-RPC response.
func rpcError(method string, raw json.RawMessage) error {
	f := parseFailure(raw)
	oe := &connectors.OpError{Message: fmt.Sprintf("%s: %s", method, f.message)}
	switch f.kind {
	case "ConcurrencyException":
		oe.Kind = connectors.Conflict
	case "UserError", "UserWarning":
		oe.Kind = connectors.Permanent
	case "LoginException":
		oe.Kind = connectors.Auth
	default:
		oe.Kind = connectors.Permanent
		// SQLite's lock and PostgreSQL's serialization failures outlast Tryton's own retries
		// under load; they pass.
		lower := strings.ToLower(f.message)
		if strings.Contains(lower, "database is locked") || strings.Contains(lower, "could not serialize") ||
			strings.Contains(lower, "deadlock") {
			oe.Kind = connectors.Retryable
		}
	}
	return oe
}

// parseFailure reads Tryton's error member; whatever its shape, it returns a message.
func parseFailure(raw json.RawMessage) rpcFailure {
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) == 0 {
		return rpcFailure{message: string(raw)}
	}
	var head string
	_ = json.Unmarshal(parts[0], &head)
	switch head {
	case "UserError", "UserWarning", "LoginException", "ConcurrencyException":
		f := rpcFailure{kind: head}
		if len(parts) > 1 {
			f.message = detailText(head, parts[1])
		}
		if f.message == "" {
			f.message = head
		}
		return f
	}
	// An unexpected exception: its text, e.g. "'no_such_field'" for a KeyError.
	return rpcFailure{message: "server error " + head}
}

// detailText extracts the human message from an error's payload: a string, or a list whose
// message is the first (UserError) or second (UserWarning, LoginException: name first) string.
func detailText(head string, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []any
	if json.Unmarshal(raw, &list) != nil {
		return string(raw)
	}
	idx := 0
	if head == "UserWarning" || head == "LoginException" {
		idx = 1
	}
	var texts []string
	for i := idx; i < len(list) && i <= idx+1; i++ {
		if t, ok := list[i].(string); ok && strings.TrimSpace(t) != "" {
			texts = append(texts, t)
		}
	}
	return strings.Join(texts, " ")
}

// fieldLabels maps the labels Tryton uses in its messages ("for field "Postal Code" in
// "Address"") to the customer fields they belong to.
var fieldLabels = map[string]string{
	`"Name" in "Party"`:            "name",
	`"Code" in "Party"`:            "code",
	`"Street" in "Address"`:        "street",
	`"City" in "Address"`:          "city",
	`"Postal Code" in "Address"`:   "postal_code",
	`"Zip" in "Address"`:           "postal_code",
	`"Country" in "Address"`:       "country",
	`"Code" in "Party Identifier"`: "tax_identifier",
	`"Type" in "Party Identifier"`: "tax_identifier_type",
}

// fieldOf guesses the customer field a Tryton message is about, or returns "".
func fieldOf(message string) string {
	// party.msg_invalid_code: The <identifier type> "<code>" for party "<name>" is not valid.
	if strings.Contains(message, `" for party "`) && strings.Contains(message, "is not valid") {
		return fTaxIdentifier
	}
	for label, field := range fieldLabels {
		if strings.Contains(message, label) {
			return field
		}
	}
	return ""
}
