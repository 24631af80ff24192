using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.History;

/// <summary>
/// apps/v1 ControllerRevisions as DaemonSets and StatefulSets keep them (pkg/controller/history): every distinct pod template
/// is stored once as a revision named <c>&lt;owner&gt;-&lt;hash&gt;</c>, owned by the workload, numbered 1, 2, 3 … in the
/// order the templates were first used (re-using an old template renumbers its revision to the newest). The hash is FNV-32a
/// over the template (plus the collisionCount), written with the API machinery's "safe" alphabet – so the names look like
/// Kubernetes' (the exact hash differs: Kubernetes hashes Go's printed form of the object).
/// </summary>
public sealed class ControllerRevisionHistory(IKubernetes client, Informer<V1ControllerRevision, V1ControllerRevisionList> revisions)
{
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Hash(V1PodTemplateSpec? template, int? collisionCount)
    {
        var bytes = Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template));
        uint h = 2166136261;
        foreach (var b in bytes) { h ^= b; h *= 16777619; }
        if (collisionCount is { } c)
            foreach (var b in BitConverter.GetBytes(c)) { h ^= b; h *= 16777619; }
        var digits = h.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new string(digits.Select(d => SafeAlphabet[d % SafeAlphabet.Length]).ToArray());
    }

    /// <summary>Revisions owned by the workload with this uid, oldest revision number first.</summary>
    public List<V1ControllerRevision> Owned(string? ns, string uid) =>
        revisions.List(ns).Where(r => r.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true)
            .OrderBy(r => r.Revision).ToList();

    /// <summary>The template a revision recorded (the "spec.template" patch it stores).</summary>
    public static V1PodTemplateSpec? TemplateOf(V1ControllerRevision revision)
    {
        var data = revision.Data is null ? null : JsonNode.Parse(KubernetesJson.Serialize(revision.Data));
        if (data?["spec"]?["template"] is not JsonObject t) return null;
        t.Remove("$patch");
        return KubernetesJson.Deserialize<V1PodTemplateSpec>(t.ToJsonString());
    }

    /// <summary>
    /// Makes sure the revision for <paramref name="template"/> exists and is the newest: creates it (revision = highest + 1)
    /// or, when an older revision holds the same template, bumps its number (as a rollback does). Returns its name.
    /// </summary>
    public async Task<string> EnsureAsync(V1ObjectMeta owner, string kind, V1PodTemplateSpec template, string hash,
        IDictionary<string, string>? labels, CancellationToken ct)
    {
        var name = $"{owner.Name}-{hash}";
        var owned = Owned(owner.NamespaceProperty, owner.Uid);
        var next = (owned.Count == 0 ? 0 : owned.Max(r => r.Revision)) + 1;
        var existing = owned.FirstOrDefault(r => r.Metadata.Name == name);
        if (existing is not null)
        {
            if (existing.Revision == next - 1) return name;
            var bump = new V1Patch(KubernetesJson.Serialize(new { revision = next }), V1Patch.PatchType.MergePatch);
            await client.AppsV1.PatchNamespacedControllerRevisionAsync(bump, name, owner.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            return name;
        }
        var templateJson = JsonNode.Parse(KubernetesJson.Serialize(template))!.AsObject();
        templateJson["$patch"] = "replace";
        var revision = new V1ControllerRevision
        {
            ApiVersion = "apps/v1", Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = owner.NamespaceProperty,
                Labels = labels is null ? null : new Dictionary<string, string>(labels),
                OwnerReferences = [new V1OwnerReference
                {
                    ApiVersion = "apps/v1", Kind = kind, Name = owner.Name, Uid = owner.Uid, Controller = true, BlockOwnerDeletion = true,
                }],
            },
            Data = new JsonObject { ["spec"] = new JsonObject { ["template"] = templateJson } },
            Revision = next,
        };
        try
        {
            await client.AppsV1.CreateNamespacedControllerRevisionAsync(revision, owner.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Created by an earlier sync whose result the cache has not shown yet.
        }
        return name;
    }

    /// <summary>Deletes the oldest revisions no pod uses beyond revisionHistoryLimit (default 10).</summary>
    public async Task TruncateAsync(V1ObjectMeta owner, int limit, IReadOnlySet<string> inUse, CancellationToken ct)
    {
        var stale = Owned(owner.NamespaceProperty, owner.Uid).Where(r => !inUse.Contains(r.Metadata.Name)).ToList();
        foreach (var r in stale.Take(Math.Max(0, stale.Count - limit)))
        {
            try { await client.AppsV1.DeleteNamespacedControllerRevisionAsync(r.Metadata.Name, r.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }
}
