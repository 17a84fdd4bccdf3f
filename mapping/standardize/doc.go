// Package standardize turns messy field values from source systems into the
// forms Accord stores and the keys it matches records on.
//
// Two kinds of output are produced and must not be confused:
//
//   - Stored forms (Text, Email, Phone, TaxID, PersonName) keep what the
//     person wrote as far as possible — case, full-width characters,
//     the Unicode form of an internationalised domain — and only remove
//     noise that no one meant to type (invisible characters, stray
//     whitespace, invalid bytes). They are what a data steward sees.
//   - Match keys (MatchKey, EmailKey, CompanyNameKey) deliberately throw
//     information away (case, width, legal-form suffixes, punctuation) so
//     that two spellings of the same thing compare equal. They are never
//     shown to people and must never be written back to a target system.
//
// Every function is pure and safe for concurrent use: there is no package
// state beyond read-only tables. No function panics on any input; invalid
// input yields an error that wraps ErrInvalid and says what was expected.
//
// The key functions err on the side of keeping records apart: in master data
// a missed match produces a duplicate that a steward can merge later, while a
// false match merges two customers' golden records, which is far harder to
// undo. Where this package has to choose, it chooses the missed match.
package standardize
