// Command connector-template is an Accord connector plugin: a contacts store kept in a JSON
// file, written with the connector SDK. Copy this directory to start a connector of your own;
// see README.md.
package main

import (
	"github.com/accord-mdm/accord/examples/connector-template/contacts"
	"github.com/accord-mdm/accord/sdk"
)

func main() { sdk.Serve(contacts.New) }
