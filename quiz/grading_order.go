package quiz

// Ordering (e.g. the steps of a referral) and matching (e.g. signs to indicators).
//
// Ordering formula: the proportion of item pairs the learner put in the right relative order,
// fraction = concordant pairs / (n·(n−1)/2), a Kendall-tau-like measure. One adjacent swap among
// five steps costs 1/10; the reversed order scores 0. Unlike "items in the right position", one
// misplaced early step does not wipe out the credit for everything after it.
//
// Matching formula: fraction = correctly matched left items / all left items; an unanswered left
// item counts as wrong.

// OrderingQuestion lists the items in the right order.
type OrderingQuestion struct {
	Items []string `json:"items"`
}

// OrderingResponse is the learner's order: every item once, or nothing.
type OrderingResponse struct {
	Order []string `json:"order"`
}

// OrderMark details an ordering mark.
type OrderMark struct {
	Items      []OrderItemMark `json:"items"`
	Concordant int             `json:"concordant"`
	Pairs      int             `json:"pairs"`
}

// OrderItemMark says where the learner put an item and where it belongs (0-based positions).
type OrderItemMark struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
	Expected int    `json:"expected"`
	// InPlace is true when the item is at its own position, for highlighting in review.
	InPlace bool `json:"in_place"`
}

// Validate checks the definition.
func (q OrderingQuestion) Validate() error {
	var c questionCheck
	if len(q.Items) < 2 {
		c.add("at least two items are required")
	}
	c.uniqueIDs("item", q.Items)
	return c.err()
}

// GradeOrdering marks an order by the proportion of correctly ordered pairs.
func GradeOrdering(q OrderingQuestion, r OrderingResponse) (Mark, error) {
	if err := q.Validate(); err != nil {
		return Mark{}, err
	}
	expected := make(map[string]int, len(q.Items))
	allowed := make(map[string]bool, len(q.Items))
	for i, id := range q.Items {
		expected[id] = i
		allowed[id] = true
	}
	n := len(q.Items)
	m := &OrderMark{Pairs: n * (n - 1) / 2}
	if len(r.Order) == 0 {
		return Mark{Fraction: 0, Order: m}, nil
	}
	var rc responseCheck
	given := rc.checkSelection(r.Order, allowed)
	for _, id := range q.Items {
		if !given[id] {
			rc.add(id, ProblemMissing)
		}
	}
	if err := rc.err(); err != nil {
		return Mark{}, err
	}

	m.Items = make([]OrderItemMark, n)
	for pos, id := range r.Order {
		m.Items[pos] = OrderItemMark{ID: id, Position: pos, Expected: expected[id], InPlace: pos == expected[id]}
		for _, later := range r.Order[pos+1:] {
			if expected[id] < expected[later] {
				m.Concordant++
			}
		}
	}
	return Mark{Fraction: clampFraction(float64(m.Concordant) / float64(m.Pairs)), Order: m}, nil
}

// MatchPair pairs a left item (a sign) with a right item (an indicator).
type MatchPair struct {
	Left  string `json:"left"`
	Right string `json:"right"`
}

// MatchingQuestion lists the right pairs; ExtraRights are further right-hand choices that match
// nothing, so the last pair cannot be found by elimination. Several left items may share a right.
type MatchingQuestion struct {
	Pairs       []MatchPair `json:"pairs"`
	ExtraRights []string    `json:"extra_rights,omitempty"`
}

// MatchingResponse lists the learner's pairs; left items left out are unanswered.
type MatchingResponse struct {
	Pairs []MatchPair `json:"pairs"`
}

// MatchMark is the feedback on one left item; Given is empty when unanswered.
type MatchMark struct {
	Left     string `json:"left"`
	Given    string `json:"given,omitempty"`
	Expected string `json:"expected"`
	Correct  bool   `json:"correct"`
	// The items' texts in the viewer's language and script, filled in by review.
	LeftText     string `json:"left_text,omitempty"`
	GivenText    string `json:"given_text,omitempty"`
	ExpectedText string `json:"expected_text,omitempty"`
}

// Validate checks the definition.
func (q MatchingQuestion) Validate() error {
	var c questionCheck
	if len(q.Pairs) < 2 {
		c.add("at least two pairs are required")
	}
	lefts := make([]string, len(q.Pairs))
	rights := map[string]bool{}
	for i, p := range q.Pairs {
		lefts[i] = p.Left
		if p.Right == "" {
			c.add("left item %q has no right item", p.Left)
		}
		rights[p.Right] = true
	}
	c.uniqueIDs("left item", lefts)
	for _, r := range q.ExtraRights {
		if r == "" || rights[r] {
			c.add("extra right item %q is empty or already used", r)
		}
		rights[r] = true
	}
	return c.err()
}

// GradeMatching marks a matching response: correct pairs / pairs.
func GradeMatching(q MatchingQuestion, r MatchingResponse) (Mark, error) {
	if err := q.Validate(); err != nil {
		return Mark{}, err
	}
	lefts := make(map[string]bool, len(q.Pairs))
	rights := make(map[string]bool, len(q.Pairs)+len(q.ExtraRights))
	for _, p := range q.Pairs {
		lefts[p.Left] = true
		rights[p.Right] = true
	}
	for _, x := range q.ExtraRights {
		rights[x] = true
	}
	var rc responseCheck
	given := make(map[string]string, len(r.Pairs))
	seen := make(map[string]bool, len(r.Pairs))
	for _, p := range r.Pairs {
		switch {
		case !lefts[p.Left]:
			rc.add(p.Left, ProblemUnknown)
		case seen[p.Left]:
			rc.add(p.Left, ProblemDuplicate)
		case p.Right == "":
			// An empty right is an unanswered item, as a cleared drop-down sends it.
		case !rights[p.Right]:
			rc.add(p.Right, ProblemUnknown)
		default:
			given[p.Left] = p.Right
		}
		seen[p.Left] = true
	}
	if err := rc.err(); err != nil {
		return Mark{}, err
	}

	m := Mark{Matches: make([]MatchMark, len(q.Pairs))}
	right := 0
	for i, p := range q.Pairs {
		mm := MatchMark{Left: p.Left, Given: given[p.Left], Expected: p.Right}
		mm.Correct = mm.Given == p.Right
		if mm.Correct {
			right++
		}
		m.Matches[i] = mm
	}
	m.Fraction = clampFraction(float64(right) / float64(len(q.Pairs)))
	return m, nil
}
