package certs

import "github.com/prepoznaj/prepoznaj/lang"

// professionLabels name accounts' profession codes as a certificate prints
// them: Serbian Cyrillic (the source of both scripts) and English. "other"
// prints nothing: it says nothing about the holder.
var professionLabels = map[string][2]string{
	"police":            {"Полицијски службеник", "Police officer"},
	"judge":             {"Судија", "Judge"},
	"prosecutor":        {"Тужилац", "Prosecutor"},
	"education":         {"Просветни радник", "Education professional"},
	"health":            {"Здравствени радник", "Health professional"},
	"labour_inspection": {"Инспектор рада", "Labour inspector"},
	"social_work":       {"Стручни радник социјалне заштите", "Social worker"},
}

// ProfessionLabel is code's printed name in locale ("" for unknown codes and "other").
func ProfessionLabel(code string, locale lang.Locale) string {
	l, ok := professionLabels[code]
	if !ok {
		return ""
	}
	if locale == lang.English {
		return l[1]
	}
	return lang.Localize(l[0], locale)
}
