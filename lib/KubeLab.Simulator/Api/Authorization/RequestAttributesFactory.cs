using KubeLab.Simulator.Api.Authentication;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// What a request asks to do, as the authorizer sees it (apiserver endpoints/request/requestinfo.go RequestInfoFactory):
/// the verb from the method and path (get → list/watch without a name, delete → deletecollection, the legacy /watch/ and
/// /proxy/ prefixes), group, version, resource, subresource, namespace and name; anything that is not /api/v1/… or
/// /apis/{group}/{version}/… is a non-resource request whose verb is the lower-cased method.
/// </summary>
public static class RequestAttributesFactory
{
    private static readonly HashSet<string> SpecialVerbs = ["proxy", "watch"];
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <param name="query">the query string's first values by name (watch, fieldSelector)</param>
    public static AuthorizationAttributes From(UserInfo user, string method, string path, Func<string, string?> query)
    {
        var parts = path.Trim('/').Split('/');
        if (parts is [""]) parts = [];
        if (parts.Length < 3 || parts[0] is not ("api" or "apis")) return NonResource(user, method, path);
        var prefix = parts[0];
        var cur = parts[1..];
        var group = "";
        if (prefix == "apis")
        {
            if (cur.Length < 3) return NonResource(user, method, path);
            group = cur[0];
            cur = cur[1..];
        }
        var version = cur[0];
        cur = cur[1..];

        string verb;
        if (SpecialVerbs.Contains(cur[0]))
        {
            if (cur.Length < 2) return NonResource(user, method, path);   // upstream: "unable to determine kind and namespace from url"
            verb = cur[0];
            cur = cur[1..];
        }
        else verb = method switch { "POST" => "create", "GET" or "HEAD" => "get", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => "" };

        var ns = "";
        if (cur[0] == "namespaces" && cur.Length > 1)
        {
            ns = cur[1];
            if (cur.Length > 2 && !NamespaceSubresources.Contains(cur[2])) cur = cur[2..];
        }
        string resource = cur[0], name = "", subresource = "";
        if (cur.Length >= 2) name = cur[1];
        if (cur.Length >= 3 && verb != "proxy") subresource = cur[2];

        if (name.Length == 0 && verb == "get")
        {
            verb = query("watch")?.ToLowerInvariant() is { } w && w is not ("false" or "0" or "") ? "watch" : "list";
            // A list narrowed to one name by fieldSelector=metadata.name=x is authorized as that name.
            if (query("fieldSelector") is { } fs && ExactName(fs) is { } n) name = n;
        }
        if (name.Length == 0 && verb == "delete") verb = "deletecollection";
        var fieldSelector = verb is "list" or "watch" or "deletecollection" ? query("fieldSelector") ?? "" : "";
        return new AuthorizationAttributes(user, verb, true, path, group, version, resource, subresource, ns, name, fieldSelector);
    }

    private static AuthorizationAttributes NonResource(UserInfo user, string method, string path) =>
        new(user, method switch { "GET" => "get", "POST" => "post", "PUT" => "put", "PATCH" => "patch", "DELETE" => "delete", "HEAD" => "head", _ => method.ToLowerInvariant() }, false, path);

    private static string? ExactName(string selector)
    {
        foreach (var term in selector.Split(','))
        {
            var t = term.Trim();
            foreach (var op in new[] { "==", "=" })
                if (t.StartsWith("metadata.name" + op, StringComparison.Ordinal))
                {
                    var v = t[("metadata.name" + op).Length..];
                    return v.Length > 0 && v != "." && v != ".." && !v.Contains('/') && !v.Contains('%') ? v : null;
                }
        }
        return null;
    }
}
