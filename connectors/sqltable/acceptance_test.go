package sqltable_test

import (
	"testing"

	"github.com/accord-mdm/accord/connectors"
	"github.com/accord-mdm/accord/connectors/acceptance"
	"github.com/accord-mdm/accord/connectors/sqltable"
	"github.com/accord-mdm/accord/connectors/sqltable/sqltabletest"
)

// TestAcceptance runs the connector acceptance suite in process on SQLite (a file per system)
// and on PostgreSQL (a schema and a login role per system), one after the other: the suite
// counts goroutines.
func TestAcceptance(t *testing.T) {
	inProcess := func(testing.TB) connectors.Connector { return sqltable.New() }
	t.Run("sqlite", func(t *testing.T) { acceptance.Run(t, sqltabletest.SQLite().Harness(t, inProcess)) })
	t.Run("postgres", func(t *testing.T) { acceptance.Run(t, sqltabletest.Postgres(t).Harness(t, inProcess)) })
}
