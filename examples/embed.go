// Package examples embeds the runnable example configurations, so `accord demo` works from any
// directory.
package examples

import "embed"

// Demo is the configuration of `accord demo` (demo/golden, demo/systems).
//
//go:embed demo/golden/*.yaml demo/systems/*.yaml
var Demo embed.FS
