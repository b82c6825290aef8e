using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Validation;

namespace Serverless.Functions.Workshops;

/// <summary>Field rules for series, sessions, registrations and surveys; errors are keyed by the API's field names.</summary>
public static partial class WorkshopValidation
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxQuestions = 10;
    public const int MaxAnswerLength = 4000;
    public const int MaxCapacity = 10_000;
    public const int MaxCommentLength = 2000;
    public const string LocalTimeFormat = "yyyy-MM-dd'T'HH:mm";
    public static readonly string[] SurveyQuestions = ["overall", "content", "facilitation"];

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex QuestionIdPattern();

    public static Dictionary<string, string[]> ValidateSeries(SeriesRequest request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Id(errors, request.Id, creating);

        FieldRules.Texts(errors, "titles", request.Titles, MaxTitleLength, required: true);
        FieldRules.Texts(errors, "descriptions", request.Descriptions, MaxDescriptionLength, required: false);

        var questions = request.Questions ?? [];
        if (questions.Count > MaxQuestions)
        {
            errors["questions"] = [$"A series has at most {MaxQuestions} questions."];
            return errors;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var field = $"questions[{i}]";
            if (q is null)
            {
                errors[field] = ["Give the question."];
                continue;
            }

            if (q.Id is null || !QuestionIdPattern().IsMatch(q.Id))
            {
                errors[field + ".id"] = ["The question id is 1 to 40 lower-case letters, digits or hyphens, starting with a letter."];
            }
            else if (!ids.Add(q.Id))
            {
                errors[field + ".id"] = [$"Two questions have the id '{q.Id}'."];
            }

            FieldRules.Texts(errors, field + ".labels", q.Labels, 500, required: true);
            if (q.MaxLength is not { } max || max < 1 || max > MaxAnswerLength)
            {
                errors[field + ".maxLength"] = [$"The longest answer is a number from 1 to {MaxAnswerLength}."];
            }
        }

        return errors;
    }

    public static Question ToQuestion(QuestionRequest q) =>
        new(q.Id!, FieldRules.Clean(q.Labels), q.MaxLength!.Value, q.Required ?? false);

    /// <summary>Checks a session; on success returns its start and end in UTC.</summary>
    public static Dictionary<string, string[]> ValidateSession(SessionRequest request, bool creating, out DateTimeOffset startUtc, out DateTimeOffset endUtc)
    {
        startUtc = endUtc = default;
        var errors = new Dictionary<string, string[]>();
        FieldRules.Id(errors, request.Id, creating);

        FieldRules.Texts(errors, "titles", request.Titles, MaxTitleLength, required: true);
        FieldRules.Texts(errors, "descriptions", request.Descriptions, MaxDescriptionLength, required: false);

        TimeZoneInfo? zone = null;
        if (string.IsNullOrWhiteSpace(request.TimeZone))
        {
            errors["timeZone"] = ["Give the time zone, e.g. Europe/Athens."];
        }
        else if (!TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone.Trim(), out zone) || !zone.HasIanaId)
        {
            errors["timeZone"] = [$"'{request.TimeZone}' is not an IANA time zone such as Europe/Athens."];
            zone = null;
        }

        var start = LocalTime(errors, "start", request.Start, zone);
        var end = LocalTime(errors, "end", request.End, zone);
        if (start is { } s && end is { } e)
        {
            if (e <= s)
            {
                errors["end"] = ["The session must end after it starts."];
            }
            else if (e - s > TimeSpan.FromDays(7))
            {
                errors["end"] = ["A session lasts at most seven days."];
            }

            startUtc = s;
            endUtc = e;
        }

        if (request.Capacity is not { } capacity || capacity < 1 || capacity > MaxCapacity)
        {
            errors["capacity"] = [$"The capacity is a number of seats from 1 to {MaxCapacity}."];
        }

        var hasUrl = !string.IsNullOrWhiteSpace(request.OnlineUrl);
        var hasVenue = !string.IsNullOrWhiteSpace(request.Venue);
        if (hasUrl && (request.OnlineUrl!.Length > 500 || !Uri.TryCreate(request.OnlineUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            errors["onlineUrl"] = ["The online meeting link is an http or https address of at most 500 characters."];
        }

        if (hasVenue && request.Venue!.Length > 300)
        {
            errors["venue"] = ["The venue is at most 300 characters."];
        }

        if (!hasUrl && !hasVenue)
        {
            errors["onlineUrl"] = ["Give the online meeting link or the venue."];
        }

        if (request.RegistrationDeadline is not { } deadline)
        {
            errors["registrationDeadline"] = ["Give the registration deadline."];
        }
        else if (start is { } begins && deadline > begins)
        {
            errors["registrationDeadline"] = ["Registration must close before the session starts."];
        }

        return errors;
    }

    /// <summary>
    /// Checks answers against the series' questions: known ids, required ones given, no answer over
    /// its limit. The messages are the reader's (invitees see them on the public page).
    /// </summary>
    public static Dictionary<string, string[]> ValidateAnswers(IReadOnlyList<Question> questions, Dictionary<string, string?>? answers, Dictionary<string, string[]> errors, FieldMessages messages)
    {
        var given = answers ?? [];
        foreach (var key in given.Keys.Where(k => questions.All(q => q.Id != k)))
        {
            errors[$"answers.{key}"] = [messages["workshops.validation.unknown_question", key]];
        }

        foreach (var q in questions)
        {
            var text = given.GetValueOrDefault(q.Id)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                if (q.Required)
                {
                    errors[$"answers.{q.Id}"] = [messages["workshops.validation.answer_required"]];
                }
            }
            else if (text.Length > q.MaxLength)
            {
                errors[$"answers.{q.Id}"] = [messages["workshops.validation.answer_too_long", q.MaxLength, text.Length]];
            }
        }

        return errors;
    }

    public static Dictionary<string, string> CleanAnswers(IReadOnlyList<Question> questions, Dictionary<string, string?>? answers) =>
        questions.Select(q => (q.Id, Text: answers?.GetValueOrDefault(q.Id)?.Trim()))
            .Where(x => !string.IsNullOrEmpty(x.Text))
            .ToDictionary(x => x.Id, x => x.Text!);

    public static Dictionary<string, string[]> ValidateSurvey(SurveyRequest? request, FieldMessages messages)
    {
        var errors = new Dictionary<string, string[]>();
        var ratings = request?.Ratings ?? [];
        foreach (var key in ratings.Keys.Where(k => !SurveyQuestions.Contains(k)))
        {
            errors[$"ratings.{key}"] = [messages["workshops.validation.unknown_question", key]];
        }

        foreach (var q in SurveyQuestions)
        {
            if (!ratings.TryGetValue(q, out var value) || value is < 1 or > 5)
            {
                errors[$"ratings.{q}"] = [messages["workshops.validation.rating_required"]];
            }
        }

        if (request?.Comment is { Length: > MaxCommentLength } comment)
        {
            errors["comment"] = [messages["workshops.validation.comment_too_long", MaxCommentLength, comment.Length]];
        }

        return errors;
    }

    private static DateTimeOffset? LocalTime(Dictionary<string, string[]> errors, string field, string? value, TimeZoneInfo? zone)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !DateTime.TryParseExact(value.Trim(), [LocalTimeFormat, "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            errors[field] = ["Give the local date and time as yyyy-MM-ddTHH:mm."];
            return null;
        }

        if (zone is null)
        {
            return null;
        }

        if (zone.IsInvalidTime(local))
        {
            errors[field] = ["This local time does not exist in the time zone (the clocks change then)."];
            return null;
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static string FormatLocal(string value) =>
        DateTime.ParseExact(value.Trim(), [LocalTimeFormat, "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None)
            .ToString(LocalTimeFormat, CultureInfo.InvariantCulture);
}
