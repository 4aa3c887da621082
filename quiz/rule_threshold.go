package quiz

// Threshold matching. Interpretation of the ILO rule ("2 strong; 1 strong + 1 medium or weak;
// 3 medium; 2 medium + 1 weak; one strong alone, two medium alone, or weak alone never suffice"):
// each threshold is a minimal combination of slots, each slot filled by a different present
// indicator whose strength the slot names. A stronger indicator stands in for a weaker
// requirement only where the slot says so ("medium or weak"); there is no implicit ordering of
// strengths. With the default thresholds this changes no verdict (a strong in a medium slot
// always completes "1 strong + 1 medium or weak" instead), but it keeps the rule exactly as the
// data states it when experts change the data.

// meetThreshold reports whether the indicators can fill every slot, and which indicators do.
func meetThreshold(slots [][]Strength, present []CountedIndicator) ([]string, bool) {
	if len(slots) == 0 || len(present) < len(slots) {
		return nil, false
	}
	var counts [3]int
	for _, c := range present {
		if k := strengthIndex(c.Strength); k >= 0 {
			counts[k]++
		}
	}
	chosen := make([]int, len(slots))
	if !fillSlots(slots, 0, &counts, chosen) {
		return nil, false
	}
	// Name the indicators: for each slot, the next unused present indicator of the chosen
	// strength, in catalogue order.
	used := make([]bool, len(present))
	met := make([]string, 0, len(slots))
	for _, k := range chosen {
		for i, c := range present {
			if !used[i] && strengthIndex(c.Strength) == k {
				used[i] = true
				met = append(met, c.Code)
				break
			}
		}
	}
	return met, true
}

// fillSlots is a small backtracking search over strengths (three kinds, a handful of slots), so
// it is exact even for odd thresholds experts may write, e.g. [[strong, medium], [medium]].
func fillSlots(slots [][]Strength, i int, counts *[3]int, chosen []int) bool {
	if i == len(slots) {
		return true
	}
	for _, s := range slots[i] {
		k := strengthIndex(s)
		if k < 0 || counts[k] == 0 {
			continue
		}
		counts[k]--
		chosen[i] = k
		ok := fillSlots(slots, i+1, counts, chosen)
		counts[k]++
		if ok {
			return true
		}
	}
	return false
}

func strengthIndex(s Strength) int {
	switch s {
	case Strong:
		return 0
	case Medium:
		return 1
	case Weak:
		return 2
	}
	return -1
}
