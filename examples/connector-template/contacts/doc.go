// Package contacts is a connector for a contacts store kept in one JSON file (see File): small
// enough to read in one sitting, complete enough to pass the connector acceptance suite.
//
// Settings (Config): {"path": "/var/lib/contacts.json", "token": "${env:CONTACTS_TOKEN}",
// "webhook_secret": "${env:CONTACTS_WEBHOOK_SECRET}"}.
// The file is created on the first write if it does not exist; its directory must.
//
// Entity "contacts", fields name, email, phone, company (strings) and score (decimal).
//
//   - Reading is incremental: every change takes the store's next sequence number, which is the
//     record's Version and, as text, the cursor. A page holds the changes after the cursor in
//     sequence order, so no change is ever skipped and none is read twice.
//   - Writing is idempotent: a create is keyed by its CreateKey (a retried create returns the
//     record it made), an update that changes nothing keeps the version, a delete of a deleted
//     or missing record succeeds. Deletes leave a tombstone, read as Deleted.
//   - Failures are classified: the file locked by another writer for more than two seconds is
//     Retryable; a token that does not match the file's is Auth; a throttled store is
//     RateLimited, with RetryAfter saying when it accepts calls again; a read-only store, an unknown
//     field or a malformed value is Permanent (with OpError.Field); an update of a missing
//     record is a Conflict. Reads and writes of another entity fail with ErrUnknownEntity.
//   - Change notifications (webhooks) are verified: the store signs each body with HMAC-SHA256
//     under webhook_secret (SignatureHeader); ParseWebhook returns the changed IDs of a
//     well-signed Notification and fails Auth otherwise.
package contacts
