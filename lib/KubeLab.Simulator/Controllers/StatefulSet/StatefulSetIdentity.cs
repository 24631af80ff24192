using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Controllers.StatefulSet;

/// <summary>
/// A StatefulSet pod's stable identity (pkg/controller/statefulset/stateful_set_utils.go): the name
/// <c>&lt;sts&gt;-&lt;ordinal&gt;</c>, hostname = pod name and subdomain = serviceName (so the headless governing Service gives it
/// the DNS name <c>&lt;pod&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c>), the labels <c>statefulset.kubernetes.io/pod-name</c> and
/// <c>apps.kubernetes.io/pod-index</c>, and one PVC per volumeClaimTemplate named <c>&lt;template&gt;-&lt;sts&gt;-&lt;ordinal&gt;</c>.
/// </summary>
public static class StatefulSetIdentity
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string RevisionLabel = "controller-revision-hash";

    public static string PodName(string set, int ordinal) => $"{set}-{ordinal}";

    public static string ClaimName(string template, string set, int ordinal) => $"{template}-{set}-{ordinal}";

    /// <summary>The ordinal of a pod named <c>&lt;set&gt;-&lt;n&gt;</c>, or null for any other name.</summary>
    public static int? Ordinal(string set, string podName) =>
        podName.StartsWith(set + "-", StringComparison.Ordinal) && int.TryParse(podName.AsSpan(set.Length + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The pod for one ordinal from a template (the current or the update revision's).</summary>
    public static V1Pod NewPod(V1StatefulSet set, V1PodTemplateSpec template, string revisionName, int ordinal)
    {
        var name = PodName(set.Metadata.Name, ordinal);
        var labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : new Dictionary<string, string>();
        labels[PodNameLabel] = name;
        labels[PodIndexLabel] = ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revisionName;
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
        spec.Hostname = name;
        spec.Subdomain = string.IsNullOrEmpty(set.Spec.ServiceName) ? null : set.Spec.ServiceName;
        // Each claim template becomes a volume of the same name that mounts this ordinal's PVC (replacing a same-named volume).
        var volumes = spec.Volumes?.ToList() ?? [];
        foreach (var t in set.Spec.VolumeClaimTemplates ?? [])
        {
            volumes.RemoveAll(v => v.Name == t.Metadata.Name);
            volumes.Add(new V1Volume
            {
                Name = t.Metadata.Name,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(t.Metadata.Name, set.Metadata.Name, ordinal) },
            });
        }
        spec.Volumes = volumes.Count == 0 ? null : volumes;
        return new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = set.Metadata.NamespaceProperty, Labels = labels,
                Annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
                OwnerReferences = [new V1OwnerReference
                {
                    ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
                }],
            },
            Spec = spec,
        };
    }

    /// <summary>
    /// The PVC for one claim template and ordinal: the template's spec, labels from the template and the set's matchLabels, and –
    /// with persistentVolumeClaimRetentionPolicy.whenDeleted: Delete – an owner reference to the set so the claims go with it.
    /// </summary>
    public static V1PersistentVolumeClaim NewClaim(V1StatefulSet set, V1PersistentVolumeClaim template, int ordinal)
    {
        var labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : new Dictionary<string, string>();
        foreach (var kv in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()) labels[kv.Key] = kv.Value;
        var claim = new V1PersistentVolumeClaim
        {
            ApiVersion = "v1", Kind = "PersistentVolumeClaim",
            Metadata = new V1ObjectMeta
            {
                Name = ClaimName(template.Metadata?.Name ?? "", set.Metadata.Name, ordinal),
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels.Count == 0 ? null : labels,
                Annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
            },
            Spec = KubernetesJson.Deserialize<V1PersistentVolumeClaimSpec>(KubernetesJson.Serialize(template.Spec)),
        };
        if (set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == "Delete")
            claim.Metadata.OwnerReferences = [new V1OwnerReference
            {
                ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid, BlockOwnerDeletion = true,
            }];
        return claim;
    }
}
