using System.Net;
using System.Text.Json.Nodes;
using KubeLab.Connection;

namespace KubeLab.Manifests;

/// <summary>One REST resource as discovery describes it.</summary>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced, IReadOnlyList<string> ShortNames, bool Preferred)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
}

/// <summary>
/// Live discovery (/api/v1, /apis, /apis/{group}/{version}): maps apiVersion+kind to the resource path,
/// exactly like kubectl's RESTMapper, so any built-in kind can be applied without per-kind code.
/// </summary>
internal sealed class ApiDiscovery
{
    public IReadOnlyList<ApiResource> Resources { get; }

    private ApiDiscovery(IReadOnlyList<ApiResource> resources) => Resources = resources;

    public static async Task<ApiDiscovery> LoadAsync(LabKubernetes client, CancellationToken ct)
    {
        var resources = new List<ApiResource>();
        var core = await GetJsonAsync(client, "api/v1", ct).ConfigureAwait(false);
        if (core is not null) resources.AddRange(ReadList(core, "", "v1", preferred: true));

        var groups = await GetJsonAsync(client, "apis", ct).ConfigureAwait(false);
        var requests = new List<Task<IEnumerable<ApiResource>>>();
        foreach (var g in groups?["groups"]?.AsArray() ?? [])
        {
            var name = (string?)g?["name"] ?? "";
            var preferred = (string?)g?["preferredVersion"]?["version"];
            foreach (var v in g?["versions"]?.AsArray() ?? [])
            {
                var version = (string?)v?["version"] ?? "";
                requests.Add(LoadGroupVersionAsync(client, name, version, version == preferred, ct));
            }
        }
        foreach (var list in await Task.WhenAll(requests).ConfigureAwait(false)) resources.AddRange(list);
        return new ApiDiscovery(resources);
    }

    private static async Task<IEnumerable<ApiResource>> LoadGroupVersionAsync(LabKubernetes client, string group, string version, bool preferred, CancellationToken ct)
    {
        var json = await GetJsonAsync(client, $"apis/{group}/{version}", ct).ConfigureAwait(false);
        return json is null ? [] : ReadList(json, group, version, preferred);
    }

    private static IEnumerable<ApiResource> ReadList(JsonNode list, string group, string version, bool preferred)
    {
        foreach (var r in list["resources"]?.AsArray() ?? [])
        {
            var plural = (string?)r?["name"];
            var kind = (string?)r?["kind"];
            if (plural is null || kind is null || plural.Contains('/')) continue; // skip subresources such as pods/status
            var shortNames = r?["shortNames"]?.AsArray().Select(s => (string?)s ?? "").ToList() ?? [];
            yield return new ApiResource(group, version, kind, plural, (bool?)r?["namespaced"] ?? false, shortNames, preferred);
        }
    }

    private static async Task<JsonNode?> GetJsonAsync(LabKubernetes client, string path, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, path, ct: ct).ConfigureAwait(false);
        if (status != HttpStatusCode.OK) return null;
        try { return JsonNode.Parse(body); } catch (System.Text.Json.JsonException) { return null; }
    }

    public ApiResource? Find(string group, string version, string kind)
        => Resources.FirstOrDefault(r => r.Group == group && r.Version == version && r.Kind == kind);

    /// <summary>A "did you mean" for an unknown apiVersion/kind: same kind in other versions, or the closest kind names.</summary>
    public string Suggest(string group, string version, string kind)
    {
        var sameKind = Resources.Where(r => string.Equals(r.Kind, kind, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sameKind.Count > 0)
            return "did you mean " + string.Join(" or ", sameKind.OrderByDescending(r => r.Preferred).Select(r => $"apiVersion: {r.ApiVersion}, kind: {r.Kind}").Distinct()) + "?";
        var close = Resources.Select(r => r.Kind).Distinct()
            .Select(k => (Kind: k, Distance: Levenshtein(k.ToLowerInvariant(), kind.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, kind.Length / 3))
            .OrderBy(x => x.Distance).Take(3).Select(x => x.Kind).ToList();
        var kindsInGroup = Resources.Where(r => r.Group == group && r.Version == version).Select(r => r.Kind).Distinct().ToList();
        if (close.Count > 0) return $"did you mean kind {string.Join(" or ", close)}?";
        if (kindsInGroup.Count == 0)
            return $"the cluster does not serve apiVersion {(group.Length == 0 ? version : group + "/" + version)}; `kubectl api-resources` lists what it serves.";
        return "kinds served by this apiVersion: " + string.Join(", ", kindsInGroup.Take(15)) + ".";
    }

    internal static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
