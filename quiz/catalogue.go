package quiz

// The catalogue is data, not code: experts change strengths and thresholds in YAML (see
// content/catalogue/indicators.yaml) without a release. These types are what that file decodes
// into; the same structs travel to the API, hence both yaml and json tags.

// Strength is how strongly an indicator points to trafficking within one list.
type Strength string

const (
	Strong Strength = "strong"
	Medium Strength = "medium"
	Weak   Strength = "weak"
)

func (s Strength) valid() bool { return s == Strong || s == Medium || s == Weak }

// List names one of the ILO/EC indicator lists; strengths differ between lists.
type List string

const (
	AdultLabour List = "adult-labour"
	AdultSexual List = "adult-sexual"
	ChildLabour List = "child-labour"
	ChildSexual List = "child-sexual"
)

// AgeGroup selects the case rule: the means of trafficking are not required for children.
type AgeGroup string

const (
	Adult AgeGroup = "adult"
	Child AgeGroup = "child"
)

// Role is the part a dimension plays in the case rule.
type Role string

const (
	RoleRecruitment  Role = "recruitment"
	RoleExploitation Role = "exploitation"
	RoleDestination  Role = "destination"
)

// ReviewStatus tells the UI whether an entry still awaits expert review.
type ReviewStatus string

const (
	Reviewed ReviewStatus = "reviewed"
	Pending  ReviewStatus = "pending"
)

// SignKind says how an observable sign counts in the decision rule.
type SignKind string

const (
	// SignEvidence counts as the indicators it maps to.
	SignEvidence SignKind = "evidence"
	// SignSupporting strengthens a suspicion but maps to no indicator.
	SignSupporting SignKind = "supporting"
	// SignProcedural triggers a procedure (e.g. witness protection) and maps to no indicator.
	SignProcedural SignKind = "procedural"
)

// Text is one piece of text in both platform languages. Serbian is stored once, in Cyrillic;
// the Latin script is derived when shown.
type Text struct {
	SR string `yaml:"sr" json:"sr"`
	EN string `yaml:"en" json:"en"`
}

// Provenance says where an entry comes from and whether experts have reviewed it.
type Provenance struct {
	Source     string       `yaml:"source" json:"source"`
	Review     ReviewStatus `yaml:"review" json:"review"`
	ReviewNote string       `yaml:"review_note,omitempty" json:"review_note,omitempty"`
}

// ListInfo describes one indicator list.
type ListInfo struct {
	Code     List     `yaml:"code" json:"code"`
	AgeGroup AgeGroup `yaml:"age_group" json:"age_group"`
	Name     Text     `yaml:"name" json:"name"`
}

// Dimension groups indicators (D1 deceptive recruitment ... D6 abuse of vulnerability at
// destination).
type Dimension struct {
	Code        string `yaml:"code" json:"code"`
	Role        Role   `yaml:"role" json:"role"`
	Name        Text   `yaml:"name" json:"name"`
	Explanation Text   `yaml:"explanation" json:"explanation"`
}

// Indicator is a weighted (Tier A) indicator with its strength in every list.
type Indicator struct {
	Code        string            `yaml:"code" json:"code"`
	Dimension   string            `yaml:"dimension" json:"dimension"`
	Name        Text              `yaml:"name" json:"name"`
	Explanation Text              `yaml:"explanation" json:"explanation"`
	Strength    map[List]Strength `yaml:"strength" json:"strength"`
	Provenance  `yaml:",inline"`
}

// Sign is what a professional actually observes (Tier B). It has no weight of its own: it
// counts as the indicators it maps to.
type Sign struct {
	Code        string   `yaml:"code" json:"code"`
	Kind        SignKind `yaml:"kind" json:"kind"`
	Name        Text     `yaml:"name" json:"name"`
	Explanation Text     `yaml:"explanation" json:"explanation"`
	Professions []string `yaml:"professions" json:"professions"`
	MapsTo      []string `yaml:"maps_to" json:"maps_to"`
	Provenance  `yaml:",inline"`
}

// Rule is the decision rule: when a dimension is positive, and what the case amounts to.
type Rule struct {
	Dimension DimensionRule `yaml:"dimension" json:"dimension"`
	Case      CaseRule      `yaml:"case" json:"case"`
}

// DimensionRule lists the thresholds; a dimension is positive when any one is met.
type DimensionRule struct {
	Provenance `yaml:",inline"`
	Thresholds []Threshold `yaml:"thresholds" json:"thresholds"`
}

// Threshold is one minimal combination of indicators, e.g. "1 strong + 1 medium or weak".
// Each slot lists the strengths it accepts and is filled by a different present indicator;
// nothing stands in for a slot unless the slot names its strength.
type Threshold struct {
	Label Text         `yaml:"label" json:"label"`
	Slots [][]Strength `yaml:"slots" json:"slots"`
}

// CaseRule says what a case amounts to, per age group.
type CaseRule struct {
	Provenance `yaml:",inline"`
	AgeGroups  []AgeGroupRule `yaml:"age_groups" json:"age_groups"`
}

// AgeGroupRule lists outcomes in order; the first that holds wins, and when none holds the case
// is OutcomeInsufficient.
type AgeGroupRule struct {
	AgeGroup AgeGroup      `yaml:"age_group" json:"age_group"`
	Outcomes []OutcomeRule `yaml:"outcomes" json:"outcomes"`
}

// OutcomeRule holds when every group has at least one positive dimension.
type OutcomeRule struct {
	Outcome Outcome          `yaml:"outcome" json:"outcome"`
	AllOf   []DimensionGroup `yaml:"all_of" json:"all_of"`
}

// DimensionGroup names either a role (any dimension with that role) or dimension codes (any of
// them); exactly one of the two is set.
type DimensionGroup struct {
	Role       Role     `yaml:"role,omitempty" json:"role,omitempty"`
	Dimensions []string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
}

// Catalogue is the whole indicator catalogue. Build one with ParseCatalogue, or fill the fields
// and call Validate: the lookups and Assess need the indexes that validation builds.
type Catalogue struct {
	Format     int         `yaml:"format" json:"format"`
	Lists      []ListInfo  `yaml:"lists" json:"lists"`
	Dimensions []Dimension `yaml:"dimensions" json:"dimensions"`
	Indicators []Indicator `yaml:"indicators" json:"indicators"`
	Signs      []Sign      `yaml:"signs" json:"signs"`
	Rule       Rule        `yaml:"rule" json:"rule"`

	idx *catalogueIndex
}

type catalogueIndex struct {
	lists      map[List]int
	dimensions map[string]int
	indicators map[string]int
	signs      map[string]int
	// byDimension holds indicator positions per dimension, in catalogue order, so Assess walks
	// each dimension without scanning every indicator.
	byDimension map[string][]int
}

// ListInfo returns the list with the given code.
func (c *Catalogue) ListInfo(code List) (ListInfo, bool) {
	if c.idx == nil {
		return ListInfo{}, false
	}
	i, ok := c.idx.lists[code]
	if !ok {
		return ListInfo{}, false
	}
	return c.Lists[i], true
}

// Dimension returns the dimension with the given code.
func (c *Catalogue) Dimension(code string) (Dimension, bool) {
	if c.idx == nil {
		return Dimension{}, false
	}
	i, ok := c.idx.dimensions[code]
	if !ok {
		return Dimension{}, false
	}
	return c.Dimensions[i], true
}

// Indicator returns the indicator with the given code.
func (c *Catalogue) Indicator(code string) (Indicator, bool) {
	if c.idx == nil {
		return Indicator{}, false
	}
	i, ok := c.idx.indicators[code]
	if !ok {
		return Indicator{}, false
	}
	return c.Indicators[i], true
}

// Sign returns the sign with the given code.
func (c *Catalogue) Sign(code string) (Sign, bool) {
	if c.idx == nil {
		return Sign{}, false
	}
	i, ok := c.idx.signs[code]
	if !ok {
		return Sign{}, false
	}
	return c.Signs[i], true
}

// HasCode reports whether code names an indicator or a sign, the codes scenarios may use.
func (c *Catalogue) HasCode(code string) bool {
	_, ind := c.Indicator(code)
	_, sign := c.Sign(code)
	return ind || sign
}
