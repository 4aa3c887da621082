package certs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/prepoznaj/prepoznaj/lang"
)

type label int

const (
	lblCompletionTitle label = iota
	lblCompletionSubtitle
	lblAttendanceTitle
	lblAttendanceSubtitle
	lblCertifies
	lblCompleted
	lblAttended
	lblHours
	lblStarted
	lblFinished
	lblResult
	lblSessions
	lblSessionsAnnexed
	lblAnnexTitle
	lblIssued
	lblVerify
	lblCode
	lblSupersedes
	lblRegisterTitle
	lblCourse
	lblDate
	lblPlace
	lblTrainer
	lblOrganiser
	lblAttendees
	lblNumber
	lblName
	lblInstitution
	lblSignature
	lblPage
	lblHoursShort
	lblHoursAbbr
	lblInstitutionReportTitle
	lblPeriod
	lblAttendances
	lblTotalHours
	lblOnline
	lblValidUntil
	lblAttendanceWithdrawn
	numLabels
)

// labelSource holds every fixed text in Serbian Cyrillic (the source of
// both Serbian scripts) and English. Serbian Latin is derived with
// lang.ToLatin, so the two Serbian scripts can never say different things.
// Wording avoids grammatical gender ("завршио/ла" where unavoidable) and
// plural forms of numbers ("Број часова: 12" instead of "12 часова").
var labelSource = [numLabels][2]string{
	lblCompletionTitle:    {"СЕРТИФИКАТ", "CERTIFICATE"},
	lblCompletionSubtitle: {"о завршеној обуци", "of completion"},
	lblAttendanceTitle:    {"ПОТВРДА", "CERTIFICATE"},
	lblAttendanceSubtitle: {"о похађању обуке", "of attendance"},
	lblCertifies:          {"Овим се потврђује да је", "This is to certify that"},
	lblCompleted:          {"успешно завршио/ла обуку", "has successfully completed the course"},
	lblAttended:           {"похађао/ла обуку", "has attended the course"},
	lblHours:              {"Број часова", "Hours"},
	lblStarted:            {"Почетак", "Started"},
	lblFinished:           {"Завршетак", "Completed"},
	lblResult:             {"Резултат", "Result"},
	lblSessions:           {"Термини", "Sessions"},
	lblSessionsAnnexed:    {"списак термина је у прилогу", "listed in the annex"},
	lblAnnexTitle:         {"Прилог: термини похађања", "Annex: sessions attended"},
	lblIssued:             {"Издато", "Issued"},
	lblVerify:             {"Провера аутентичности", "Verify at"},
	lblCode:               {"Код за проверу", "Verification code"},
	lblSupersedes:         {"Замењује сертификат", "Supersedes certificate"},
	lblRegisterTitle:      {"ЕВИДЕНЦИЈА ПРИСУСТВА", "ATTENDANCE REGISTER"},
	lblCourse:             {"Обука", "Course"},
	lblDate:               {"Датум", "Date"},
	lblPlace:              {"Место", "Place"},
	lblTrainer:            {"Предавач", "Trainer"},
	lblOrganiser:          {"Организатор", "Organiser"},
	lblAttendees:          {"Број полазника", "Attendees"},
	lblNumber:             {"Р. бр.", "No."},
	lblName:               {"Име и презиме", "Name"},
	lblInstitution:        {"Установа", "Institution"},
	lblSignature:          {"Потпис", "Signature"},
	lblPage:               {"Страна %d од %d", "Page %d of %d"},
	lblHoursShort:         {"Часова", "Hours"},
	lblHoursAbbr:          {"ч", "h"},

	lblInstitutionReportTitle: {"ИЗВЕШТАЈ О ПОХАЂАЊУ ОБУКА", "TRAINING ATTENDANCE REPORT"},
	lblPeriod:                 {"Период", "Period"},
	lblAttendances:            {"Број присуства", "Attendances"},
	lblTotalHours:             {"Укупно часова", "Total hours"},
	lblOnline:                 {"онлајн", "online"},
	lblValidUntil:             {"Важи до", "Valid until"},
	// The revocation reason when a correction of the register leaves no hour attended.
	lblAttendanceWithdrawn: {"Евиденција присуства је исправљена: нема похађаних часова.", "The attendance register was corrected: no hours attended remain."},
}

var monthNames = [2][12]string{
	// Serbian dates use the genitive: "12. марта 2025."
	{"јануара", "фебруара", "марта", "априла", "маја", "јуна", "јула", "августа", "септембра", "октобра", "новембра", "децембра"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// text is a fixed label in locale.
func text(l label, locale lang.Locale) string {
	if locale == lang.English {
		return labelSource[l][1]
	}
	return lang.Localize(labelSource[l][0], locale)
}

// formatDate prints the calendar date the value carries in its own
// location; callers store dates as civil dates, so no zone is applied here.
func formatDate(t time.Time, locale lang.Locale) string {
	y, m, d := t.Date()
	if locale == lang.English {
		return fmt.Sprintf("%d %s %d", d, monthNames[1][m-1], y)
	}
	return lang.Localize(fmt.Sprintf("%d. %s %d.", d, monthNames[0][m-1], y), locale)
}

// formatHours prints 12 or 7.5 (7,5 in Serbian, which uses a decimal
// comma), at most two decimals.
func formatHours(h float64, locale lang.Locale) string {
	s := strconv.FormatFloat(math.Round(h*100)/100, 'f', -1, 64)
	if locale.Serbian() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
