using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Validation;

namespace Serverless.Functions.Registry;

/// <summary>Field rules shared by the JSON API and the CSV import, so both report the same reasons.</summary>
public static partial class RegistryValidation
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxRoleLength = 100;
    public static readonly string[] Levels = ["national", "regional", "local"];

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTagPattern();

    public static bool IsValidEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > MaxEmailLength || email.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var at = email.LastIndexOf('@');
        return at > 0
            && MailAddress.TryCreate(email, out var parsed)
            && string.Equals(parsed.Address, email, StringComparison.Ordinal)
            && email[(at + 1)..].Contains('.', StringComparison.Ordinal)
            && !email.EndsWith('.');
    }

    /// <summary>Checks one person; errors are keyed by the field names of the API and the CSV columns.</summary>
    public static Dictionary<string, string[]> ValidatePerson(
        string? name,
        string? email,
        string? organisationId,
        string? networkRole,
        string? preferredLanguage,
        DateTimeOffset? consentGivenAt,
        string? consentTextVersion,
        ISet<string> organisationIds)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["Enter the person's name."];
        }
        else if (name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"The name is longer than {MaxNameLength} characters."];
        }

        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = ["Enter an email address."];
        }
        else if (!IsValidEmail(email.Trim()))
        {
            errors["email"] = [$"'{email}' is not a valid email address."];
        }

        if (string.IsNullOrWhiteSpace(organisationId))
        {
            errors["organisationId"] = ["Choose the person's organisation."];
        }
        else if (!organisationIds.Contains(organisationId.Trim()))
        {
            errors["organisationId"] = [$"There is no organisation with the id '{organisationId}'."];
        }

        if (networkRole is { Length: > MaxRoleLength })
        {
            errors["networkRole"] = [$"The role in the network is longer than {MaxRoleLength} characters."];
        }

        if (!string.IsNullOrWhiteSpace(preferredLanguage) && !Languages.IsSupported(preferredLanguage.Trim()))
        {
            errors["preferredLanguage"] = [$"'{preferredLanguage}' is not one of the portal's languages ({string.Join(", ", Languages.Supported.Order())})."];
        }

        var hasVersion = !string.IsNullOrWhiteSpace(consentTextVersion);
        if (consentGivenAt is null && hasVersion)
        {
            errors["consentGivenAt"] = ["Give the date consent was given, or leave the consent text version empty too."];
        }
        else if (consentGivenAt is not null && !hasVersion)
        {
            errors["consentTextVersion"] = ["Give the version of the consent text the person agreed to."];
        }
        else if (consentTextVersion is { Length: > 50 })
        {
            errors["consentTextVersion"] = ["The consent text version is longer than 50 characters."];
        }

        return errors;
    }

    public static Dictionary<string, string[]> ValidateOrganisation(OrganisationRequest request, bool creating)
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Id(errors, request.Id, creating);

        if (request.Names is null || request.Names.Count == 0 || request.Names.Values.All(string.IsNullOrWhiteSpace))
        {
            errors["names"] = ["Give the organisation's name in at least one language."];
        }
        else if (request.Names.Keys.FirstOrDefault(k => !LanguageTagPattern().IsMatch(k)) is { } badLanguage)
        {
            errors["names"] = [$"'{badLanguage}' is not a language code (use codes such as en, ar, pl)."];
        }
        else if (request.Names.Values.Any(v => v is { Length: > MaxNameLength }))
        {
            errors["names"] = [$"A name is longer than {MaxNameLength} characters."];
        }

        if (string.IsNullOrWhiteSpace(request.Type))
        {
            errors["type"] = ["Give the type of organisation (for example ministry, agency, municipality)."];
        }
        else if (request.Type.Length > MaxRoleLength)
        {
            errors["type"] = [$"The type is longer than {MaxRoleLength} characters."];
        }

        if (request.Country is null || !CountryPattern().IsMatch(request.Country))
        {
            errors["country"] = ["Give the country as a two-letter ISO code in capitals (for example PL, AE)."];
        }

        if (request.Level is null || !Levels.Contains(request.Level, StringComparer.Ordinal))
        {
            errors["level"] = ["The level of government is national, regional or local."];
        }

        if (request.Domains?.FindIndex(d => d is null || !DomainPattern().IsMatch(d.Trim().ToLowerInvariant())) is >= 0 and var bad)
        {
            // A null item is named by its place in the list, since it has no text to quote.
            errors["domains"] = [request.Domains[bad] is { } badDomain
                ? $"'{badDomain}' is not a domain name (for example kprm.gov.pl)."
                : $"Domain {bad + 1} in the list is empty; give a domain name (for example kprm.gov.pl)."];
        }
        else if (request.Domains is { Count: > 20 })
        {
            errors["domains"] = ["An organisation has at most 20 official domains."];
        }

        return errors;
    }

    public static bool TryParseTime(string? value, out DateTimeOffset? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            parsed = time;
            return true;
        }

        return false;
    }
}

/// <summary>A page of a sorted list, with the total for the pager.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total, string Sort);

/// <summary>Paging and sorting from query strings: page (from 1), pageSize (1-100), sort (a field, "-" for descending).</summary>
public static class Paging
{
    public static bool TryApply<TEntity, TContract>(
        IEnumerable<TEntity> source,
        string? page,
        string? pageSize,
        string? sort,
        string defaultSort,
        IReadOnlyDictionary<string, Func<TEntity, string?>> sortKeys,
        Func<TEntity, TContract> map,
        out PagedList<TContract> result,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        result = new PagedList<TContract>([], 1, 25, 0, defaultSort);
        var pageNumber = 1;
        var size = 25;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber < 1))
        {
            errors["page"] = ["page is a whole number from 1."];
        }

        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 100))
        {
            errors["pageSize"] = ["pageSize is a whole number from 1 to 100."];
        }

        var sortText = string.IsNullOrWhiteSpace(sort) ? defaultSort : sort.Trim();
        var descending = sortText.StartsWith('-');
        var field = sortText.TrimStart('-', '+');
        if (!sortKeys.TryGetValue(field, out var key))
        {
            errors["sort"] = [$"Sort by one of: {string.Join(", ", sortKeys.Keys)} (prefix '-' for descending)."];
        }

        if (errors.Count > 0 || key is null)
        {
            return false;
        }

        var comparer = StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.IgnoreCase);
        var items = source.ToList();
        var sorted = descending ? items.OrderByDescending(key, comparer) : items.OrderBy(key, comparer);
        result = new PagedList<TContract>(
            sorted.Skip((pageNumber - 1) * size).Take(size).Select(map).ToList(),
            pageNumber,
            size,
            items.Count,
            sortText);
        return true;
    }
}
