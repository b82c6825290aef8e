using System.Globalization;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Cohorts;

/// <summary>Checks of programme, cohort and onboarding input; every error names its field (camelCase, list items by index).</summary>
public static class CohortValidation
{
    public const int MaxCapacity = 100;
    public const int MaxText = 200;
    public const int MaxLongText = 4000;
    public const string DateFormat = "yyyy-MM-dd";

    public static Dictionary<string, string[]> ValidateProgramme(ProgrammeRequest? request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors[""] = ["Send the programme as JSON."];
            return errors;
        }

        if (creating && request.Id is { Length: > 0 } id && (!TableStore.IsValidKey(id) || id.Length > 60))
        {
            errors["id"] = ["The id is at most 60 characters without / \\ # ? or |."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxText)
        {
            errors["name"] = [$"Give the programme a name of at most {MaxText} characters."];
        }

        if (request.Description is { Length: > MaxLongText })
        {
            errors["description"] = [$"The description is at most {MaxLongText} characters."];
        }

        return errors;
    }

    /// <summary>The cohort's own fields; references (programme, people, organisations) and seats are checked by the caller.</summary>
    public static Dictionary<string, string[]> ValidateCohort(CohortRequest? request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors[""] = ["Send the cohort as JSON."];
            return errors;
        }

        if (creating && request.Id is { Length: > 0 } id && (!TableStore.IsValidKey(id) || id.Length > 60))
        {
            errors["id"] = ["The id is at most 60 characters without / \\ # ? or |."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > MaxText)
        {
            errors["name"] = [$"Give the cohort a name of at most {MaxText} characters, e.g. \"Edition 2027\"."];
        }

        var start = ParseDate(request.StartDate);
        var end = ParseDate(request.EndDate);
        if (start is null)
        {
            errors["startDate"] = ["Give the start date as YYYY-MM-DD."];
        }

        if (end is null)
        {
            errors["endDate"] = ["Give the end date as YYYY-MM-DD."];
        }
        else if (start is not null && end < start)
        {
            errors["endDate"] = ["The end date is on or after the start date."];
        }

        if (request.Capacity is not { } capacity || capacity < 1 || capacity > MaxCapacity)
        {
            errors["capacity"] = [$"The capacity is 1 to {MaxCapacity} participants (cohorts usually take 25 to 40)."];
        }

        if (string.IsNullOrWhiteSpace(request.CoordinatorId))
        {
            errors["coordinatorId"] = ["Choose the cohort's coordinator."];
        }

        if (request.ManagerIds is { Count: > 20 })
        {
            errors["managerIds"] = ["At most 20 programme managers."];
        }

        var steering = request.SteeringCommittee ?? [];
        if (steering.Count > 30)
        {
            errors["steeringCommittee"] = ["At most 30 steering committee members."];
        }

        for (var i = 0; i < Math.Min(steering.Count, 30); i++)
        {
            var member = steering[i];
            if (member is null || string.IsNullOrWhiteSpace(member.Name) || member.Name.Length > MaxText)
            {
                errors[$"steeringCommittee[{i}].name"] = [$"Give the member's name (at most {MaxText} characters)."];
            }
            else if (member.Role is { Length: > MaxText })
            {
                errors[$"steeringCommittee[{i}].role"] = [$"The role is at most {MaxText} characters."];
            }
        }

        var organisations = request.Organisations ?? [];
        if (organisations.Count > 100)
        {
            errors["organisations"] = ["At most 100 organisations."];
        }
        else if (organisations.Any(o => o is null) || organisations.Select(o => o?.OrganisationId).Distinct().Count() != organisations.Count)
        {
            errors["organisations"] = ["List each organisation once."];
        }
        else
        {
            for (var i = 0; i < organisations.Count; i++)
            {
                if (organisations[i].Quota < 1 || (request.Capacity is { } cap && organisations[i].Quota > cap))
                {
                    errors[$"organisations[{i}].quota"] = ["A quota is at least 1 and at most the cohort's capacity."];
                }
            }
        }

        var budget = request.Budget ?? [];
        if (budget.Count > 50)
        {
            errors["budget"] = ["At most 50 budget lines."];
        }
        else
        {
            for (var i = 0; i < budget.Count; i++)
            {
                var line = budget[i];
                if (line is null || string.IsNullOrWhiteSpace(line.Label) || line.Label.Length > MaxText)
                {
                    errors[$"budget[{i}].label"] = [$"Name the budget line (at most {MaxText} characters)."];
                    continue;
                }

                if (line.Planned is < 0 or > 1_000_000_000_000m)
                {
                    errors[$"budget[{i}].planned"] = ["The planned amount is 0 or more."];
                }

                if (line.Spent is < 0 or > 1_000_000_000_000m)
                {
                    errors[$"budget[{i}].spent"] = ["The spent amount is 0 or more."];
                }
            }
        }

        if (request.Currency is { } currency && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            errors["currency"] = ["The currency is a three-letter ISO code, e.g. EUR."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> ValidateCandidate(CandidateRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null || !RegistryValidation.IsValidEmail(request.Email))
        {
            errors["email"] = ["Give a valid email address."];
        }

        if (request?.Name is { Length: > RegistryValidation.MaxNameLength })
        {
            errors["name"] = [$"The name is at most {RegistryValidation.MaxNameLength} characters."];
        }

        if (request?.Language is { Length: > 0 } language && !Platform.Localization.Languages.IsSupported(language))
        {
            errors["language"] = ["Choose one of the portal's languages."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> ValidateOnboarding(OnboardingRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors[""] = ["Send the answers as JSON."];
            return errors;
        }

        if (request.JobTitle is { Length: > MaxText })
        {
            errors["jobTitle"] = [$"The job title is at most {MaxText} characters."];
        }

        if (request.Bio is { Length: > MaxLongText })
        {
            errors["bio"] = [$"The profile text is at most {MaxLongText} characters."];
        }

        if (request.ChallengeTitle is { Length: > MaxText })
        {
            errors["challengeTitle"] = [$"The challenge title is at most {MaxText} characters."];
        }

        if (request.ChallengeDescription is { Length: > MaxLongText })
        {
            errors["challengeDescription"] = [$"The challenge description is at most {MaxLongText} characters."];
        }

        return errors;
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
