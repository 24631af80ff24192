using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Api;

/// <summary>Label key/value and object-name rules from k8s.io/apimachinery/pkg/util/validation.</summary>
public static partial class LabelValidation
{
    private const string QualifiedNameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")] private static partial Regex NamePart();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex Dns1123Subdomain();
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1123Label();

    public static string? QualifiedNameError(string key)
    {
        var parts = key.Split('/');
        string name;
        if (parts.Length == 1) name = parts[0];
        else if (parts.Length == 2)
        {
            if (parts[0].Length == 0) return "prefix part must be non-empty";
            if (Dns1123SubdomainError(parts[0]) is { } e) return "prefix part " + e;
            name = parts[1];
        }
        else return "a qualified name " + QualifiedNameMsg.Replace("name part ", "") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
        if (name.Length == 0) return "name part must be non-empty";
        if (name.Length > 63) return "name part must be no more than 63 characters";
        return NamePart().IsMatch(name) ? null : QualifiedNameMsg;
    }

    public static string? LabelValueError(string value)
    {
        if (value.Length == 0) return null;
        if (value.Length > 63) return "must be no more than 63 characters";
        return NamePart().IsMatch(value) ? null : LabelValueMsg;
    }

    public static string? Dns1123SubdomainError(string value)
    {
        if (value.Length > 253) return "must be no more than 253 characters";
        return Dns1123Subdomain().IsMatch(value) ? null
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex Dns1035Label();

    /// <summary>Service names are DNS-1035 labels: like DNS-1123 labels but starting with a letter.</summary>
    public static string? Dns1035LabelError(string value)
    {
        if (value.Length > 63) return "must be no more than 63 characters";
        return Dns1035Label().IsMatch(value) ? null
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    }

    public static string? Dns1123LabelError(string value)
    {
        if (value.Length > 63) return "must be no more than 63 characters";
        return Dns1123Label().IsMatch(value) ? null
            : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    }
}
