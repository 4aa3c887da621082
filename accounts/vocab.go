package accounts

// Professions a user can hold; courses are written for them.
var Professions = []string{"police", "judge", "prosecutor", "education", "health", "labour_inspection", "social_work", "other"}

// InstitutionKinds match the professions.
var InstitutionKinds = []string{"police_directorate", "court", "prosecutors_office", "school", "health_centre", "labour_inspectorate", "social_work_centre", "ngo", "other"}

// Locales are the interface languages: Serbian in either script, and English.
var Locales = []string{"sr-Cyrl", "sr-Latn", "en"}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
