// Package tryton is a connector for Tryton 6.0 (the Debian LTS) over its JSON-RPC API:
// customers (party.party) in both directions, confirmed sales and posted customer invoices as
// read-only transaction facts. docs/connectors/tryton.md is the user's guide; this comment
// says how it works.
//
// # Calls
//
// Every call is a POST of {"id", "method", "params"} to the database's URL
// (http://host:8000/<database>/) with resty. The connector logs in with common.db.login and
// sends Authorization: Session base64(login:uid:key); a 401 makes it log in again once and
// repeat the call. The user's preferences (model.res.user.get_preferences: company,
// employee, language) are the context of every model call, so company rules apply as they do
// for that user in the Tryton client.
//
// # Reading
//
// A read is a scan by ascending id over the records changed since the cursor's From: the
// record's own create or write date, or that of one of its children (addresses, contact
// mechanisms, identifiers), whose edits Tryton does not reflect in the party's write_date.
// When a scan starts, the connector takes the latest change time of the model and its child
// models (the mark); the next scan starts at mark minus the overlap. A scan that ends while
// the mark has moved is followed by another at once, so "caught up" (More false) means
// nothing changed during the read. Re-reads within the overlap are expected.
//
// Deletions: the cursor carries the ids reported live (as ranges); at the end of each scan
// the ids Tryton still holds are listed and the missing ones are reported as deleted records.
// An archived party (active = false) is reported deleted with its fields. A sale or invoice
// that leaves the fact states (cancelled) is reported deleted too.
//
// # Writing
//
// Creates carry a party identifier (no type, code "accord:<CreateKey>"); before creating,
// the connector looks the keys up, so a retried create updates the party it made. Updates
// read the party first (first address, first email and phone, tax identifier) and write with
// Tryton's _timestamp context: a change made in between fails as ConcurrencyException, the
// contract's Conflict. Deletes archive the party, or delete it with delete_mode "delete".
package tryton
