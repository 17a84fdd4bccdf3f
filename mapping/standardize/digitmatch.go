package standardize

import (
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// maxDigitDFAStates bounds the automaton built for one pattern. libphonenumber's
// patterns need a few hundred states at most; for a pattern needing more,
// compileDigitMatcher reports false.
const maxDigitDFAStates = 4096

// digitMatcher answers regexp.MatchString for one pattern, for inputs of ASCII
// digits only, with a deterministic automaton over the ten digits.
//
// libphonenumber checks every number against dozens of anchored patterns
// ("^(?:" + pattern + ")$") with Go's backtracking regexp engine, which is
// where most of the time of a phone number goes. Over the digit alphabet
// the same language is recognised by walking a table, one lookup a digit.
// The automaton is built from the pattern's compiled regexp/syntax program,
// so it accepts exactly the strings the regexp matches: the answer is a
// yes/no, for which leftmost-first and leftmost-longest semantics agree.
type digitMatcher struct {
	next [][10]int32 // next[state][digit], never a missing state
	// mid[s]: the program reaches Match in state s away from the end of
	// the input; end[s]: it does at the end (where "$" holds).
	mid, end []bool
	// startEnd is end[0] evaluated where "^" holds too, for empty input.
	startEnd bool
}

// compileDigitMatcher builds the matcher of pattern, or reports false if the
// pattern uses anything other than characters, classes, alternation,
// repetition, groups, "^" (begin of text) and "$" (end of text), or needs too
// many states. The phone fast path then leaves that region to the library.
func compileDigitMatcher(pattern string) (*digitMatcher, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl) // the flags regexp.Compile uses
	if err != nil {
		return nil, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, false
	}
	for _, inst := range prog.Inst {
		if inst.Op == syntax.InstEmptyWidth {
			if op := syntax.EmptyOp(inst.Arg); op != syntax.EmptyBeginText && op != syntax.EmptyEndText {
				return nil, false // line or word boundaries: not worth supporting
			}
		}
	}
	b := dfaBuilder{prog: prog, index: map[string]int32{}}
	start := []uint32{uint32(prog.Start)}
	// regexp.MatchString looks for a match starting anywhere: a thread
	// from the program's start joins at every position, where "^" fails.
	b.restart = b.closure(start, false, false)
	b.add(b.closure(start, true, false)) // state 0, at the beginning
	m := &digitMatcher{startEnd: b.closure(start, true, true).matched}
	for s := 0; s < len(b.states); s++ {
		if len(b.states) > maxDigitDFAStates {
			return nil, false
		}
		st := b.states[s]
		var row [10]int32
		for d := range 10 {
			var out []uint32
			for _, pc := range st.pending {
				inst := &prog.Inst[pc]
				if inst.Op != syntax.InstEmptyWidth && inst.MatchRune('0'+rune(d)) {
					out = append(out, inst.Out)
				}
			}
			row[d] = b.add(b.closure(out, false, false))
		}
		m.next = append(m.next, row)
		m.mid = append(m.mid, st.matched)
		m.end = append(m.end, st.matched || b.closure(st.pending, false, true).matched)
	}
	return m, true
}

// matchString reports whether the pattern matches somewhere in s, as
// regexp.MatchString does. s must be ASCII digits; any other byte makes it
// report false, and callers check their input before relying on it.
func (m *digitMatcher) matchString(s string) bool {
	if s == "" {
		return m.startEnd
	}
	state := int32(0)
	for i := 0; i < len(s); i++ {
		if m.mid[state] {
			return true // a match ending before s[i]
		}
		d := s[i] - '0'
		if d > 9 {
			return false
		}
		state = m.next[state][d]
	}
	return m.end[state]
}

// dfaBuilder runs the subset construction.
type dfaBuilder struct {
	prog    *syntax.Prog
	states  []closure
	index   map[string]int32
	restart closure
}

// closure is a set of threads after following empty transitions: the
// instructions waiting for the next digit (and, away from the end, "$"
// assertions, which die on the next digit), and whether Match was reached.
// It is one state of the automaton.
type closure struct {
	pending []uint32 // sorted
	matched bool
}

// add returns the number of the state c is, merged with the thread
// restarting at every position, creating the state if it is new.
func (b *dfaBuilder) add(c closure) int32 {
	set := append(slices.Clone(c.pending), b.restart.pending...)
	slices.Sort(set)
	set = slices.Compact(set)
	matched := c.matched || b.restart.matched
	var key strings.Builder
	key.WriteString(strconv.FormatBool(matched))
	for _, pc := range set {
		key.WriteByte(',')
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
	}
	if n, ok := b.index[key.String()]; ok {
		return n
	}
	n := int32(len(b.states))
	b.index[key.String()] = n
	b.states = append(b.states, closure{pending: set, matched: matched})
	return n
}

// closure follows empty transitions from pcs. "^" holds only if atBegin and
// "$" only if atEnd; otherwise a "$" is kept pending.
func (b *dfaBuilder) closure(pcs []uint32, atBegin, atEnd bool) closure {
	var c closure
	seen := map[uint32]bool{}
	stack := slices.Clone(pcs)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, inst.Out, inst.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, inst.Out)
		case syntax.InstMatch:
			c.matched = true
		case syntax.InstFail:
		case syntax.InstEmptyWidth:
			switch {
			case syntax.EmptyOp(inst.Arg) == syntax.EmptyBeginText && atBegin,
				syntax.EmptyOp(inst.Arg) == syntax.EmptyEndText && atEnd:
				stack = append(stack, inst.Out)
			case syntax.EmptyOp(inst.Arg) == syntax.EmptyEndText:
				c.pending = append(c.pending, pc)
			}
		default: // instructions consuming a rune
			c.pending = append(c.pending, pc)
		}
	}
	slices.Sort(c.pending)
	return c
}
