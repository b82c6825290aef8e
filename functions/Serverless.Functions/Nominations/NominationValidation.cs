using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Platform.Validation;

namespace Serverless.Functions.Nominations;

/// <summary>Field rules for calls, nominations, reviews and attachments; errors are keyed by the API's field names.</summary>
public static partial class NominationValidation
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 4000;
    public const int MaxTeamLength = 2000;
    public const int MaxCommentLength = 4000;
    public const int MaxCriteria = 10;
    public const int MaxReviewers = 200;
    public const int MaxFileNameLength = 150;

    /// <summary>Accepted attachment types by extension: office documents, PDF, images and plain text.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".odt"] = "application/vnd.oasis.opendocument.text",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
    };

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex CriterionIdPattern();

    public static Dictionary<string, string[]> ValidateCall(CallRequest request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Id(errors, request.Id, creating);

        FieldRules.Texts(errors, "titles", request.Titles, MaxTitleLength, required: true, listLanguages: false);
        FieldRules.Texts(errors, "descriptions", request.Descriptions, MaxTextLength, required: false, listLanguages: false);
        if (request.OpensAt is null)
        {
            errors["opensAt"] = ["Give the date the call opens."];
        }

        if (request.ClosesAt is null)
        {
            errors["closesAt"] = ["Give the date the call closes."];
        }
        else if (request.OpensAt is { } opens && request.ClosesAt <= opens)
        {
            errors["closesAt"] = ["The call must close after it opens."];
        }

        if (request.ReviewDeadline is null)
        {
            errors["reviewDeadline"] = ["Give the review deadline."];
        }
        else if (request.ClosesAt is { } closes && request.ReviewDeadline <= closes)
        {
            errors["reviewDeadline"] = ["The review deadline must come after the call closes."];
        }

        var passFail = request.PassFail ?? false;
        if (!passFail && (request.ScaleMax is not { } scale || scale < 2 || scale > 10))
        {
            errors["scaleMax"] = ["The scale runs from 1 to a number from 2 to 10."];
        }

        var criteria = request.Criteria ?? [];
        if (!passFail && criteria.Count == 0)
        {
            errors["criteria"] = ["Give at least one criterion."];
        }
        else if (criteria.Count > MaxCriteria)
        {
            errors["criteria"] = [$"A call has at most {MaxCriteria} criteria."];
        }
        else
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < criteria.Count; i++)
            {
                var c = criteria[i];
                var field = $"criteria[{i}]";
                if (c is null)
                {
                    errors[field] = ["Give the criterion."];
                    continue;
                }

                if (c.Id is null || !CriterionIdPattern().IsMatch(c.Id) || c.Id == ReviewScoring.VerdictKey)
                {
                    errors[field + ".id"] = ["The criterion id is 1 to 40 lower-case letters, digits or hyphens, starting with a letter."];
                }
                else if (!ids.Add(c.Id))
                {
                    errors[field + ".id"] = [$"Two criteria have the id '{c.Id}'."];
                }

                FieldRules.Texts(errors, field + ".labels", c.Labels, 200, required: true, listLanguages: false);
                if (c.Weight is not { } w || w <= 0 || w > 100 || double.IsNaN(w))
                {
                    errors[field + ".weight"] = ["The weight is a number above 0 and at most 100."];
                }
            }
        }

        var reviewers = request.Reviewers ?? [];
        if (reviewers.Count > MaxReviewers || reviewers.Any(r => !TableStore.IsValidKey(r)) || reviewers.Distinct().Count() != reviewers.Count)
        {
            errors["reviewers"] = [$"The panel is a list of up to {MaxReviewers} different people."];
        }

        if (request.ReviewsPerNomination is not { } per || per < 1 || per > 10)
        {
            errors["reviewsPerNomination"] = ["Each nomination gets 1 to 10 reviews."];
        }
        else if (reviewers.Count > 0 && per > reviewers.Count)
        {
            errors["reviewsPerNomination"] = ["The panel is smaller than the number of reviews each nomination needs."];
        }

        if (request.Threshold is not { } t || t < 0 || t > 100 || double.IsNaN(t))
        {
            errors["threshold"] = ["The threshold is a percentage from 0 to 100."];
        }

        foreach (var (reviewer, organisations) in request.DeclaredConflicts ?? [])
        {
            if (!reviewers.Contains(reviewer) || organisations is null || organisations.Any(o => !TableStore.IsValidKey(o)))
            {
                errors["declaredConflicts"] = ["Declared conflicts name panel members and organisation ids."];
                break;
            }
        }

        return errors;
    }

    /// <summary>A draft needs its title; a submission needs every field. Lengths always hold.</summary>
    public static Dictionary<string, string[]> ValidateNomination(NominationRequest request, bool submitting)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "title", request.Title, MaxTitleLength, required: true);
        FieldRules.Text(errors, "goals", request.Goals, MaxTextLength, submitting);
        FieldRules.Text(errors, "expectedImpact", request.ExpectedImpact, MaxTextLength, submitting);
        FieldRules.Text(errors, "feasibility", request.Feasibility, MaxTextLength, submitting);
        FieldRules.Text(errors, "team", request.Team, MaxTeamLength, submitting);
        return errors;
    }

    public static Dictionary<string, string[]> ValidateReview(ReviewRequest? request, CallEntity call)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Action is not ("submit" or "decline" or "conflict"))
        {
            errors["action"] = ["The action is submit, decline or conflict."];
            return errors;
        }

        if (request.Comment is { } comment && comment.Trim().Length > MaxCommentLength)
        {
            errors["comment"] = [$"The comment is longer than {MaxCommentLength} characters."];
        }

        if (request.Action == "conflict")
        {
            FieldRules.Text(errors, "conflictReason", request.ConflictReason, 1000, required: true);
        }

        if (request.Action != "submit")
        {
            return errors;
        }

        if (call.PassFail)
        {
            if (request.Verdict is not ("approve" or "reject"))
            {
                errors["verdict"] = ["Approve or reject the nomination."];
            }

            return errors;
        }

        var scores = request.Scores ?? [];
        foreach (var criterion in call.CriterionList)
        {
            if (!scores.TryGetValue(criterion.Id, out var score))
            {
                errors[$"scores.{criterion.Id}"] = ["Give a score for this criterion."];
            }
            else if (score < 1 || score > call.ScaleMax)
            {
                errors[$"scores.{criterion.Id}"] = [$"The score is a whole number from 1 to {call.ScaleMax}."];
            }
        }

        foreach (var key in scores.Keys.Where(k => call.CriterionList.All(c => c.Id != k)))
        {
            errors[$"scores.{key}"] = ["The call has no such criterion."];
        }

        return errors;
    }

    /// <summary>Checks a file before any byte is stored; returns the content type to store it with, or errors on "file".</summary>
    public static Dictionary<string, string[]> ValidateAttachment(string? fileName, long? length, long maxBytes, int count, int maxCount, out string contentType)
    {
        contentType = "";
        var errors = new Dictionary<string, string[]>();
        if (count >= maxCount)
        {
            errors["file"] = [$"A nomination has at most {maxCount} attachments."];
            return errors;
        }

        var name = fileName?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxFileNameLength || name.Any(c => char.IsControl(c) || c is '/' or '\\' or '"'))
        {
            errors["fileName"] = [$"Give the file's name (at most {MaxFileNameLength} characters, no slashes or quotes)."];
            return errors;
        }

        if (!AllowedTypes.TryGetValue(Path.GetExtension(name), out var type))
        {
            errors["file"] = [$"Files of this type are not accepted; send one of {string.Join(", ", AllowedTypes.Keys)}."];
            return errors;
        }

        if (length is null or <= 0)
        {
            errors["file"] = ["The file is empty."];
        }
        else if (length > maxBytes)
        {
            errors["file"] = [$"The file is larger than {maxBytes / (1024 * 1024)} MB."];
        }

        contentType = type;
        return errors;
    }
}
