package contacts_test

import (
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/examples/connector-template/contacts"
	"github.com/accord-mdm/accord/examples/connector-template/contacts/contactstest"
)

// TestAcceptance runs the connector acceptance suite in process.
func TestAcceptance(t *testing.T) {
	acceptance.Run(t, contactstest.Harness(func(testing.TB) connectors.Connector { return contacts.New() }))
}
