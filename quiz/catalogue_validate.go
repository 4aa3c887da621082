package quiz

import (
	"fmt"
	"slices"
)

// Validate checks a catalogue built in Go and prepares its lookups. ParseCatalogue calls the same
// checks with line numbers. On failure the error is a *CatalogueError.
func (c *Catalogue) Validate() error {
	if problems := c.validate(nil); len(problems) > 0 {
		return &CatalogueError{Problems: problems}
	}
	return nil
}

type problemList struct {
	lines lineIndex
	list  []Problem
}

func (p *problemList) add(path, format string, args ...any) {
	p.list = append(p.list, Problem{Line: p.lines.line(path), Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *problemList) text(path string, t Text) {
	if t.SR == "" {
		p.add(path, "missing Serbian (sr) text")
	}
	if t.EN == "" {
		p.add(path, "missing English (en) text")
	}
}

func (p *problemList) provenance(path string, pr Provenance) {
	if pr.Source == "" {
		p.add(path+".source", "missing source")
	}
	if pr.Review != Reviewed && pr.Review != Pending {
		p.add(path+".review", "review must be %q or %q, not %q", Reviewed, Pending, pr.Review)
	}
}

// validate returns every problem; when there are none it also builds the lookup index, so a
// catalogue is never half-indexed.
func (c *Catalogue) validate(lines lineIndex) []Problem {
	p := &problemList{lines: lines}
	idx := &catalogueIndex{
		lists:       map[List]int{},
		dimensions:  map[string]int{},
		indicators:  map[string]int{},
		signs:       map[string]int{},
		byDimension: map[string][]int{},
	}
	if c.Format != 1 {
		p.add("format", "format must be 1, not %d", c.Format)
	}
	c.validateLists(p, idx)
	c.validateDimensions(p, idx)
	c.validateIndicators(p, idx)
	c.validateSigns(p, idx)
	c.validateThresholds(p)
	c.validateCases(p, idx)
	if len(p.list) > 0 {
		return p.list
	}
	c.idx = idx
	return nil
}

func (c *Catalogue) validateLists(p *problemList, idx *catalogueIndex) {
	if len(c.Lists) == 0 {
		p.add("lists", "at least one list is required")
	}
	for i, l := range c.Lists {
		path := fmt.Sprintf("lists[%d]", i)
		switch _, dup := idx.lists[l.Code]; {
		case l.Code == "":
			p.add(path, "missing code")
		case dup:
			p.add(path, "duplicate list code %q", l.Code)
		default:
			idx.lists[l.Code] = i
		}
		if l.AgeGroup != Adult && l.AgeGroup != Child {
			p.add(path+".age_group", "age_group must be %q or %q, not %q", Adult, Child, l.AgeGroup)
		}
		p.text(path+".name", l.Name)
	}
}

func (c *Catalogue) validateDimensions(p *problemList, idx *catalogueIndex) {
	if len(c.Dimensions) == 0 {
		p.add("dimensions", "at least one dimension is required")
	}
	for i, d := range c.Dimensions {
		path := fmt.Sprintf("dimensions[%d]", i)
		switch _, dup := idx.dimensions[d.Code]; {
		case d.Code == "":
			p.add(path, "missing code")
		case dup:
			p.add(path, "duplicate dimension code %q", d.Code)
		default:
			idx.dimensions[d.Code] = i
		}
		if !validRole(d.Role) {
			p.add(path+".role", "role must be %q, %q or %q, not %q", RoleRecruitment, RoleExploitation, RoleDestination, d.Role)
		}
		p.text(path+".name", d.Name)
		p.text(path+".explanation", d.Explanation)
	}
}

func validRole(r Role) bool {
	return r == RoleRecruitment || r == RoleExploitation || r == RoleDestination
}

func (c *Catalogue) validateIndicators(p *problemList, idx *catalogueIndex) {
	for i, ind := range c.Indicators {
		path := fmt.Sprintf("indicators[%d]", i)
		switch _, dup := idx.indicators[ind.Code]; {
		case ind.Code == "":
			p.add(path, "missing code")
		case dup:
			p.add(path, "duplicate indicator code %q", ind.Code)
		default:
			idx.indicators[ind.Code] = i
		}
		if _, ok := idx.dimensions[ind.Dimension]; !ok {
			p.add(path+".dimension", "unknown dimension %q", ind.Dimension)
		} else {
			idx.byDimension[ind.Dimension] = append(idx.byDimension[ind.Dimension], i)
		}
		p.text(path+".name", ind.Name)
		p.text(path+".explanation", ind.Explanation)
		for _, l := range c.Lists {
			s, ok := ind.Strength[l.Code]
			if !ok {
				p.add(path+".strength", "missing strength for list %q", l.Code)
			} else if !s.valid() {
				p.add(path+".strength."+string(l.Code), "strength must be strong, medium or weak, not %q", s)
			}
		}
		keys := make([]List, 0, len(ind.Strength))
		for l := range ind.Strength {
			keys = append(keys, l)
		}
		slices.Sort(keys)
		for _, l := range keys {
			if _, ok := idx.lists[l]; !ok {
				p.add(path+".strength."+string(l), "strength for unknown list %q", l)
			}
		}
		p.provenance(path, ind.Provenance)
	}
}

func (c *Catalogue) validateSigns(p *problemList, idx *catalogueIndex) {
	for i, s := range c.Signs {
		path := fmt.Sprintf("signs[%d]", i)
		_, dup := idx.signs[s.Code]
		_, clash := idx.indicators[s.Code]
		switch {
		case s.Code == "":
			p.add(path, "missing code")
		case dup:
			p.add(path, "duplicate sign code %q", s.Code)
		case clash:
			// Scenarios list indicator and sign codes together, so they share one namespace.
			p.add(path, "sign code %q is already an indicator code", s.Code)
		default:
			idx.signs[s.Code] = i
		}
		p.text(path+".name", s.Name)
		p.text(path+".explanation", s.Explanation)
		if len(s.Professions) == 0 {
			p.add(path+".professions", "at least one profession is required")
		}
		for j, prof := range s.Professions {
			if prof == "" {
				p.add(fmt.Sprintf("%s.professions[%d]", path, j), "empty profession")
			} else if slices.Index(s.Professions, prof) < j {
				p.add(fmt.Sprintf("%s.professions[%d]", path, j), "duplicate profession %q", prof)
			}
		}
		switch s.Kind {
		case SignEvidence:
			if len(s.MapsTo) == 0 {
				p.add(path+".maps_to", "an evidence sign must map to at least one indicator")
			}
		case SignSupporting, SignProcedural:
			if len(s.MapsTo) > 0 {
				p.add(path+".maps_to", "a %s sign maps to no indicator", s.Kind)
			}
		default:
			p.add(path+".kind", "kind must be %q, %q or %q, not %q", SignEvidence, SignSupporting, SignProcedural, s.Kind)
		}
		for j, code := range s.MapsTo {
			mp := fmt.Sprintf("%s.maps_to[%d]", path, j)
			if _, ok := idx.indicators[code]; !ok {
				p.add(mp, "maps to unknown indicator %q", code)
			} else if slices.Index(s.MapsTo, code) < j {
				p.add(mp, "maps to %q twice", code)
			}
		}
		p.provenance(path, s.Provenance)
	}
}

func (c *Catalogue) validateThresholds(p *problemList) {
	r := c.Rule.Dimension
	p.provenance("rule.dimension", r.Provenance)
	if len(r.Thresholds) == 0 {
		p.add("rule.dimension.thresholds", "at least one threshold is required")
	}
	for i, t := range r.Thresholds {
		path := fmt.Sprintf("rule.dimension.thresholds[%d]", i)
		p.text(path+".label", t.Label)
		if len(t.Slots) == 0 {
			p.add(path+".slots", "a threshold needs at least one slot")
		}
		for j, slot := range t.Slots {
			sp := fmt.Sprintf("%s.slots[%d]", path, j)
			if len(slot) == 0 {
				p.add(sp, "a slot must accept at least one strength")
			}
			for k, s := range slot {
				if !s.valid() {
					p.add(sp, "strength must be strong, medium or weak, not %q", s)
				} else if slices.Index(slot, s) < k {
					p.add(sp, "strength %q appears twice", s)
				}
			}
		}
	}
}

func (c *Catalogue) validateCases(p *problemList, idx *catalogueIndex) {
	r := c.Rule.Case
	p.provenance("rule.case", r.Provenance)
	seen := map[AgeGroup]bool{}
	for i, ag := range r.AgeGroups {
		path := fmt.Sprintf("rule.case.age_groups[%d]", i)
		switch {
		case ag.AgeGroup != Adult && ag.AgeGroup != Child:
			p.add(path+".age_group", "age_group must be %q or %q, not %q", Adult, Child, ag.AgeGroup)
		case seen[ag.AgeGroup]:
			p.add(path+".age_group", "a second rule for age group %q", ag.AgeGroup)
		}
		seen[ag.AgeGroup] = true
		if len(ag.Outcomes) == 0 {
			p.add(path+".outcomes", "at least one outcome is required")
		}
		for j, o := range ag.Outcomes {
			c.validateOutcomeRule(p, idx, fmt.Sprintf("%s.outcomes[%d]", path, j), o, ag.Outcomes[:j])
		}
	}
	for i, l := range c.Lists {
		if (l.AgeGroup == Adult || l.AgeGroup == Child) && !seen[l.AgeGroup] {
			p.add(fmt.Sprintf("lists[%d].age_group", i), "no case rule for age group %q", l.AgeGroup)
			seen[l.AgeGroup] = true // report each missing age group once
		}
	}
}

func (c *Catalogue) validateOutcomeRule(p *problemList, idx *catalogueIndex, path string, o OutcomeRule, earlier []OutcomeRule) {
	switch {
	case o.Outcome == OutcomeInsufficient:
		p.add(path+".outcome", "%q is what remains when no outcome holds; it needs no rule", OutcomeInsufficient)
	case o.Outcome != OutcomeTrafficking && o.Outcome != OutcomeExploitation:
		p.add(path+".outcome", "outcome must be %q or %q, not %q", OutcomeTrafficking, OutcomeExploitation, o.Outcome)
	}
	for _, e := range earlier {
		if e.Outcome == o.Outcome {
			p.add(path+".outcome", "outcome %q appears twice", o.Outcome)
		}
	}
	if len(o.AllOf) == 0 {
		p.add(path+".all_of", "at least one group is required")
	}
	for k, g := range o.AllOf {
		gp := fmt.Sprintf("%s.all_of[%d]", path, k)
		switch {
		case g.Role != "" && len(g.Dimensions) > 0:
			p.add(gp, "a group names a role or dimensions, not both")
		case g.Role == "" && len(g.Dimensions) == 0:
			p.add(gp, "a group must name a role or dimensions")
		case g.Role != "":
			if !validRole(g.Role) {
				p.add(gp+".role", "role must be %q, %q or %q, not %q", RoleRecruitment, RoleExploitation, RoleDestination, g.Role)
			} else if !slices.ContainsFunc(c.Dimensions, func(d Dimension) bool { return d.Role == g.Role }) {
				p.add(gp+".role", "no dimension has role %q", g.Role)
			}
		}
		for _, d := range g.Dimensions {
			if _, ok := idx.dimensions[d]; !ok {
				p.add(gp+".dimensions", "unknown dimension %q", d)
			}
		}
	}
}
