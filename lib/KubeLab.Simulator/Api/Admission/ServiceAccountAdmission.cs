using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// The ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount/admission.go, 1.32) for new Pods: an empty
/// <c>serviceAccountName</c> becomes <c>default</c>; the ServiceAccount must exist (the default one is looked up again for up to
/// 10 tries, 100–200 ms apart, since the serviceaccount controller creates it moments after the namespace); unless the Pod or
/// its ServiceAccount says <c>automountServiceAccountToken: false</c>, a projected volume <c>kube-api-access-xxxxx</c> (a
/// 3607-second token, the cluster CA from <c>kube-root-ca.crt</c>, the namespace) is added and mounted read-only at
/// /var/run/secrets/kubernetes.io/serviceaccount in every container that does not mount something there already.
/// Mirror pods (static pods) are left alone.
/// </summary>
public static class ServiceAccountAdmission
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    private const string DefaultName = "default";
    private static readonly ResourceType ServiceAccounts = ResourceRegistry.ForKind("ServiceAccount");
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");

    public static void Admit(ObjectStore store, JsonObject pod, TimeProvider time)
    {
        var meta = pod.Meta();
        if (meta["annotations"] is JsonObject a && a.ContainsKey("kubernetes.io/config.mirror")) return;
        if (pod["spec"] is not JsonObject spec) return;
        var name = spec.Str("serviceAccountName");
        if (string.IsNullOrEmpty(name))
        {
            name = DefaultName;
            spec["serviceAccountName"] = name;
        }
        var ns = pod.Namespace() ?? "default";
        var account = Lookup(store, ns, name, time)
            ?? throw ApiError.Forbidden(Pods, meta.Str("name") ?? "",
                $"error looking up service account {ns}/{name}: serviceaccount \"{name}\" not found");
        if (!ShouldAutomount(account, spec)) return;

        // An existing kube-api-access-* volume is reused; containers that mount something at the token path keep it; the volume
        // is added only if some container mounts it (mountServiceAccountToken).
        var volumes = spec["volumes"] as JsonArray ?? new JsonArray();
        var existing = volumes.OfType<JsonObject>().Select(v => v.Str("name")).FirstOrDefault(n => n?.StartsWith("kube-api-access-", StringComparison.Ordinal) == true);
        var volumeName = existing ?? "kube-api-access-" + RandomSuffix();
        var needsVolume = false;
        foreach (var list in new[] { "initContainers", "containers" })
            foreach (var c in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                var mounts = c["volumeMounts"] as JsonArray ?? new JsonArray();
                if (mounts.OfType<JsonObject>().Any(m => m.Str("mountPath") == MountPath)) continue;
                c["volumeMounts"] = mounts;
                mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = MountPath });
                needsVolume = true;
            }
        if (existing is null && needsVolume)
        {
            spec["volumes"] = volumes;
            volumes.Add(TokenVolume(volumeName));
        }
    }

    private static JsonObject? Lookup(ObjectStore store, string ns, string name, TimeProvider time)
    {
        var attempts = name == DefaultName ? 10 : 1;
        for (var i = 0; ; i++)
        {
            if (store.GetReadOnly(ServiceAccounts, ns, name) is { } found) return found;
            if (i + 1 >= attempts) return null;
            // The apiserver sleeps between its live lookups; here on the cluster's clock (a wait, not a lock).
            Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(100)), time).Wait();
        }
    }

    /// <summary>The Pod's automountServiceAccountToken wins over the ServiceAccount's; both default to true.</summary>
    private static bool ShouldAutomount(JsonObject account, JsonObject spec)
    {
        if (spec["automountServiceAccountToken"] is JsonValue p && p.TryGetValue<bool>(out var pod)) return pod;
        return account["automountServiceAccountToken"] is not JsonValue s || !s.TryGetValue<bool>(out var sa) || sa;
    }

    private static JsonObject TokenVolume(string name) => new()
    {
        ["name"] = name,
        ["projected"] = new JsonObject
        {
            ["defaultMode"] = 420,
            ["sources"] = new JsonArray(
                new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                new JsonObject
                {
                    ["configMap"] = new JsonObject
                    {
                        ["name"] = "kube-root-ca.crt",
                        ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }),
                    },
                },
                new JsonObject
                {
                    ["downwardAPI"] = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject
                        {
                            ["path"] = "namespace",
                            ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" },
                        }),
                    },
                }),
        },
    };

    /// <summary>utilrand.String(5): five characters from an alphabet without vowels and look-alike digits.</summary>
    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) => { for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)]; });
    }
}
