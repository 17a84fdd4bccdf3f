package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
	"golang.org/x/text/width"

	"github.com/accord-mdm/accord/master"
	"github.com/accord-mdm/accord/store"
	"github.com/accord-mdm/accord/workflows"
)

func reviewCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "review", Short: "Uncertain matches waiting for a data steward: list, show, merge or reject them"}
	var all bool
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List open review cases (--all: decided ones too), oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			status := store.ReviewOpen
			if all {
				status = ""
			}
			cs, err := s.Read().ListReviews(cmd.Context(), status, limit)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%-5s %-9s %-6s %-10s %-36s %-36s %s\n", "case", "entity", "score", "status", "held record", "candidate", "opened")
			for _, rc := range cs {
				st := rc.Status
				if rc.Escalated && st == store.ReviewOpen {
					st = "escalated"
				}
				fmt.Fprintf(w, "%-5d %-9s %-6.3f %-10s %-36s %-36s %s\n", rc.ID, rc.Entity, rc.Score, st, rc.GoldenID, rc.CandidateID,
					rc.CreatedAt.Local().Format(time.DateTime))
			}
			if len(cs) == 0 {
				fmt.Fprintln(w, "(no review cases)")
			}
			return nil
		},
	}
	list.Flags().BoolVar(&all, "all", false, "decided cases too")
	list.Flags().IntVar(&limit, "limit", 100, "at most this many cases")

	var asJSON bool
	show := &cobra.Command{
		Use:   "show CASE",
		Short: "Show a case: both records' values side by side and how each rule scored them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := caseID(args[0])
			if err != nil {
				return err
			}
			s, err := openStore(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer s.Close()
			v, err := master.DescribeReview(cmd.Context(), s.Read(), id)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				return printJSON(cmd, v)
			}
			fmt.Fprintf(w, "case %d (%s): score %.3f, %s\n  held record %s (pushed nowhere until decided)\n  candidate   %s\n\n",
				v.ID, v.Entity, v.Score, v.Status, v.GoldenID, v.CandidateID)
			fmt.Fprintf(w, "%-14s %-34s %-34s %s\n", "field", "held", "candidate", "similarity")
			sims := map[string]string{}
			for _, r := range v.Rules {
				sims[r.Field] = fmt.Sprintf("%.3f (%s, weight %g)", r.Similarity, r.Compare, r.Weight)
			}
			var fields []string
			for f := range v.Held {
				fields = append(fields, f)
			}
			for f := range v.Candidate {
				if !slices.Contains(fields, f) {
					fields = append(fields, f)
				}
			}
			slices.Sort(fields)
			for _, f := range fields {
				fmt.Fprintf(w, "%-14s %s %s %s\n", f, pad(text(v.Held[f]), 34), pad(text(v.Candidate[f]), 34), sims[f])
			}
			printPickable(w, v, fields)
			return nil
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.AddCommand(list, show, decideCmd(g, master.DecideMerge), decideCmd(g, master.DecideReject))
	return c
}

// printPickable lists, per field, the value each system record of either side holds: what
// accord review merge --pick chooses from.
func printPickable(w io.Writer, v *master.ReviewView, fields []string) {
	if len(v.Records) == 0 {
		return
	}
	fmt.Fprintf(w, "\nvalues to pick from (accord review merge %d --pick FIELD=SYSTEM[:RECORD]):\n%-14s %-10s %-24s %s\n",
		v.ID, "field", "side", "record", "value")
	for _, f := range fields {
		label := f
		for _, r := range v.Records {
			if val, ok := r.Values[f]; ok {
				fmt.Fprintf(w, "%-14s %-10s %-24s %s\n", label, r.Side, r.System+":"+r.ExternalID, val)
				label = ""
			}
		}
	}
}

func decideCmd(g *globals, action string) *cobra.Command {
	var by string
	var pickArgs []string
	short := "The held record is the candidate's customer: merge it into the candidate, everywhere"
	if action == master.DecideReject {
		short = "Not a match: remember it for the pair and release the held record to the systems"
	}
	long := short + `. The decision is sent to the case's workflow (review/<entity>/<case>) on the Temporal server
of --temporal-address (default: the one accord dev runs, 127.0.0.1:7233), which applies it and
records who decided.`
	if action == master.DecideMerge {
		long += `

--pick FIELD=SYSTEM (or FIELD=SYSTEM:RECORD where the system has several records holding the
field) makes the golden record take that record's value for the field, whatever survivorship
says, for as long as the record stays in it and holds a value (accord review show lists the
values to pick from).`
	}
	cmd := &cobra.Command{
		Use:   action + " CASE",
		Short: short,
		Long:  long,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := caseID(args[0])
			if err != nil {
				return err
			}
			picks, err := parsePicks(pickArgs)
			if err != nil {
				return err
			}
			rc, err := checkDecision(cmd.Context(), g, id, picks)
			if err != nil {
				return err
			}
			if by == "" {
				if u, err := user.Current(); err == nil {
					by = u.Username
				}
			}
			addr := g.temporalAddress
			if addr == "" {
				addr = "127.0.0.1:7233"
			}
			c, err := client.DialContext(cmd.Context(), client.Options{HostPort: addr, Namespace: g.namespace})
			if err != nil {
				return fmt.Errorf("connect to temporal at %s (is accord dev or a worker running?): %w", addr, err)
			}
			defer c.Close()
			res, err := workflows.SendDecision(cmd.Context(), c, rc.Entity, id, workflows.ReviewDecision{Action: action, By: by, Picks: picks})
			if err != nil {
				return err
			}
			cmd.Printf("case %d: %s (by %s)%s\n", id, res, by, pickedText(picks))
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who decides, for the audit trail (default: the current user)")
	if action == master.DecideMerge {
		cmd.Flags().StringArrayVar(&pickArgs, "pick", nil, "FIELD=SYSTEM[:RECORD]: the record whose value the field takes (repeatable)")
	}
	return cmd
}

func parsePicks(args []string) ([]master.Pick, error) {
	picks := make([]master.Pick, 0, len(args))
	for _, a := range args {
		p, err := master.ParsePick(a)
		if err != nil {
			return nil, err
		}
		picks = append(picks, p)
	}
	return picks, nil
}

// checkDecision returns open case id, after checking picks against its records under the
// configuration a worker recorded last (without one, the worker checks them when it decides).
func checkDecision(ctx context.Context, g *globals, id int64, picks []master.Pick) (*store.ReviewCase, error) {
	s, err := openStore(ctx, g)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	rc, err := s.Read().GetReview(ctx, id)
	if err != nil {
		return nil, err
	}
	if rc.Status != store.ReviewOpen {
		return nil, fmt.Errorf("case %d is %s already (by %s)", id, rc.Status, rc.DecidedBy)
	}
	if len(picks) == 0 {
		return rc, nil
	}
	models, _, err := survivorshipRules(ctx, s.Read(), "")
	if errors.Is(err, store.ErrNotFound) {
		return rc, nil
	}
	if err != nil {
		return nil, err
	}
	return rc, master.CheckPicks(ctx, s.Read(), models, id, picks)
}

func pickedText(picks []master.Pick) string {
	if len(picks) == 0 {
		return ""
	}
	ss := make([]string, len(picks))
	for i, p := range picks {
		ss[i] = p.String()
	}
	return ", picked " + strings.Join(ss, ", ")
}

func caseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("case %q is not a number (see accord review list)", s)
	}
	return n, nil
}

func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// pad fills s with spaces to n terminal columns: CJK and full-width characters take two, so
// Chinese and Latin values line up.
func pad(s string, n int) string {
	cols := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			cols += 2
		default:
			cols++
		}
	}
	if cols >= n {
		return s
	}
	return s + strings.Repeat(" ", n-cols)
}
