using System.Net;
using System.Text.Json.Nodes;
using KubeLab.Connection;

namespace KubeLab.Manifests;

/// <summary>
/// Server-side apply of every document (PATCH application/apply-patch+yaml, fieldManager=kubelab, force=true),
/// resolved through discovery so any served kind works. Errors name the document and list what was already applied.
/// </summary>
internal sealed class ManifestApplier(LabKubernetes client, Func<bool, CancellationToken, Task<ApiDiscovery>> discovery, string defaultNamespace)
{
    public const string FieldManager = "kubelab";

    public async Task<AppliedObjects> ApplyAsync(string yaml, string source, CancellationToken ct)
    {
        var docs = ManifestParser.Parse(yaml, source);
        var api = await discovery(false, ct).ConfigureAwait(false);
        // A kind the cached discovery does not know may have been served since (a CRD applied meanwhile): reload once, as
        // kubectl's discovery cache does on a miss, before calling it unknown.
        if (docs.Any(d => d.ApiVersion is not null && d.Kind is not null && api.Find(d.GroupVersion().Group, d.GroupVersion().Version, d.Kind) is null))
            api = await discovery(true, ct).ConfigureAwait(false);
        var applied = new List<AppliedObject>();

        // Resolve everything first: a typo in document 3 should not leave documents 1–2 applied.
        var plan = docs.Select(d => (Doc: d, Resource: Resolve(api, d, source, applied))).ToList();
        foreach (var (doc, resource) in plan)
        {
            var ns = resource.Namespaced ? doc.Namespace ?? defaultNamespace : null;
            if (ns is not null) doc.Metadata!["namespace"] = ns;
            var path = ResourcePath(resource, ns, doc.Name!);
            var before = await client.SendAsync(HttpMethod.Get, path, ct: ct).ConfigureAwait(false);
            var existing = before.Status == HttpStatusCode.OK ? JsonNode.Parse(before.Body) : null;

            var (status, body) = await client.SendAsync(HttpMethod.Patch, $"{path}?fieldManager={FieldManager}&force=true",
                doc.Body.ToJsonString(), "application/apply-patch+yaml", ct).ConfigureAwait(false);
            if ((int)status >= 300) throw ServerRejected(source, doc, (int)status, body, applied);

            var result = existing is null ? "created"
                : Comparable(existing) == Comparable(JsonNode.Parse(body)) ? "unchanged" : "configured";
            applied.Add(new AppliedObject(doc.Index, doc.ApiVersion!, doc.Kind!, doc.Name!, ns, result));
        }
        return new AppliedObjects(source, applied);
    }

    private static ApiResource Resolve(ApiDiscovery api, ManifestDocument doc, string source, List<AppliedObject> applied)
    {
        if (doc.ApiVersion is null || doc.Kind is null)
            throw new ManifestException(source, $"the object has no {(doc.ApiVersion is null ? "apiVersion" : "kind")}.", document: doc.Index, line: doc.Line,
                hint: "every object needs apiVersion (e.g. v1 or apps/v1) and kind (e.g. Pod, ReplicaSet) at the top level.", appliedBefore: applied);
        if (doc.Name is null)
            throw new ManifestException(source, "the object has no metadata.name (server-side apply needs a name; generateName is not supported here).",
                document: doc.Index, line: doc.Line, kind: doc.Kind, hint: "add metadata:\\n  name: my-object", appliedBefore: applied);
        var (group, version) = doc.GroupVersion();
        return api.Find(group, version, doc.Kind)
            ?? throw new ManifestException(source, $"the cluster does not know kind \"{doc.Kind}\" in apiVersion \"{doc.ApiVersion}\".",
                document: doc.Index, line: doc.Line, kind: doc.Kind, name: doc.Name, hint: api.Suggest(group, version, doc.Kind), appliedBefore: applied);
    }

    /// <summary>
    /// The object without what controllers change on their own (status) and bookkeeping (resourceVersion, managedFields):
    /// comparing resourceVersions alone would call an apply "configured" whenever a controller updated status meanwhile.
    /// </summary>
    internal static string Comparable(JsonNode? obj)
    {
        if (obj?.DeepClone() is not JsonObject copy) return "";
        copy.Remove("status");
        if (copy["metadata"] is JsonObject meta)
        {
            meta.Remove("resourceVersion");
            meta.Remove("managedFields");
        }
        return copy.ToJsonString();
    }

    internal static string ResourcePath(ApiResource r, string? ns, string name)
    {
        var prefix = r.Group.Length == 0 ? $"api/{r.Version}" : $"apis/{r.Group}/{r.Version}";
        return ns is null ? $"{prefix}/{r.Plural}/{Uri.EscapeDataString(name)}" : $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{r.Plural}/{Uri.EscapeDataString(name)}";
    }

    private static ManifestException ServerRejected(string source, ManifestDocument doc, int status, string body, List<AppliedObject> applied)
    {
        string? message = null, reason = null;
        var causes = new List<string>();
        try
        {
            var s = JsonNode.Parse(body);
            message = (string?)s?["message"];
            reason = (string?)s?["reason"];
            foreach (var c in s?["details"]?["causes"]?.AsArray() ?? [])
            {
                var field = (string?)c?["field"];
                var text = (string?)c?["message"] ?? (string?)c?["reason"] ?? "";
                causes.Add(field is null || text.StartsWith(field, StringComparison.Ordinal) ? text : $"{field}: {text}");
            }
        }
        catch (System.Text.Json.JsonException) { message = body.Length > 300 ? body[..300] : body; }

        var hint = status switch
        {
            422 => "the server validated the object and refused it – fix the fields named above and apply again.",
            409 => "the object changed or another field manager owns these fields – re-read it (kubectl get -o yaml) and apply again.",
            404 => "something the object lives in does not exist (often the namespace) – create it first or remove metadata.namespace.",
            // Admission plugins answer 403 too: name the one that refused.
            403 when message?.Contains("quota", StringComparison.Ordinal) == true =>
                "a ResourceQuota of the namespace refuses it – compare its used and hard (kubectl describe quota), or state requests and limits.",
            403 when message?.Contains(" usage per ", StringComparison.Ordinal) == true || message?.Contains("limit to request ratio", StringComparison.Ordinal) == true =>
                "a LimitRange of the namespace bounds containers – keep requests and limits within its min and max (kubectl describe limits).",
            403 => "the namespace is being deleted (wait and retry) or your user may not do this.",
            400 => "the request was malformed – check field types (numbers vs strings) and spelling.",
            _ => "see the server message above.",
        };
        return new ManifestException(source, $"the server rejected the object: {message ?? "(no message)"}", document: doc.Index, line: doc.Line,
            kind: doc.Kind, name: doc.Name, statusCode: status, reason: reason, causes: causes, appliedBefore: applied.ToList(), hint: hint);
    }
}
