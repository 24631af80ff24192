using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.FieldManager;

namespace KubeLab.Simulator.Controllers.ServiceAccount;

/// <summary>
/// Three controllers of kube-controller-manager that need the cluster's keys, run next to the API server's storage like the
/// garbage collector (they use the CA and sa.key, which the other in-process controllers do not hold):
/// <list type="bullet">
/// <item>serviceaccount-controller (pkg/controller/serviceaccount/serviceaccounts_controller.go): a <c>default</c> ServiceAccount in
/// every active namespace, re-created when deleted;</item>
/// <item>root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher): ConfigMap <c>kube-root-ca.crt</c> with the cluster CA
/// as <c>ca.crt</c> in every namespace, restored when changed or deleted;</item>
/// <item>serviceaccount-token-controller (pkg/controller/serviceaccount/tokens_controller.go): a Secret of type
/// <c>kubernetes.io/service-account-token</c> annotated with <c>kubernetes.io/service-account.name</c> gets <c>token</c> (a legacy,
/// non-expiring JWT), <c>ca.crt</c> and <c>namespace</c>; it is deleted when its ServiceAccount is gone. Since 1.24
/// (LegacyServiceAccountTokenNoAutoGeneration) nothing creates such Secrets automatically any more – only a user who asks for one
/// gets one; pods use short-lived TokenRequest tokens instead.</item>
/// </list>
/// </summary>
public sealed class ServiceAccountControllers(RestStorage storage, ServiceAccountTokens tokens)
    : Api.Lifecycle.ChangeDrivenLoop(storage, TimeSpan.FromMinutes(5), firstPassNow: true)
{
    public const string RootCaConfigMap = "kube-root-ca.crt";
    public const string ServiceAccountNameKey = "kubernetes.io/service-account.name";
    public const string ServiceAccountUidKey = "kubernetes.io/service-account.uid";
    public const string ServiceAccountTokenType = "kubernetes.io/service-account-token";
    private const string Manager = "kube-controller-manager";
    // rootcacertpublisher/publisher.go: the description annotation on every kube-root-ca.crt.
    private const string RootCaDescription = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    private static readonly ResourceType ServiceAccounts = ResourceRegistry.ForKind("ServiceAccount");
    private static readonly ResourceType ConfigMaps = ResourceRegistry.ForKind("ConfigMap");
    private static readonly ResourceType Secrets = ResourceRegistry.ForKind("Secret");


    protected override bool Matters(WatchEvent ev)
        => ev.Resource.Group.Length == 0 && ev.Resource.Kind is "Namespace" or "ServiceAccount" or "ConfigMap" or "Secret";

    protected override void Pass() => Sync();

    /// <summary>One pass of the three controllers over the namespaces and the token Secrets.</summary>
    public void Sync()
    {
        foreach (var ns in Storage.Store.List(ResourceRegistry.Namespaces, null).Items)
        {
            if (ns.IsDeleting()) continue;
            var name = ns.Name();
            Try(() => EnsureDefaultServiceAccount(name));
            Try(() => EnsureRootCa(name));
        }
        foreach (var secret in Storage.Store.List(Secrets, null).Items)
            if (secret.Str("type") == ServiceAccountTokenType && !secret.IsDeleting()) Try(() => SyncTokenSecret(secret));
    }

    // A write that loses a race (the namespace is terminating, someone else created it) is retried on the next pass.
    private void Try(Action action)
    {
        try { action(); }
        catch (ApiError e) when (e.Code is 403 or 404 or 409) { }
    }

    private void EnsureDefaultServiceAccount(string ns)
    {
        if (Storage.Store.GetReadOnly(ServiceAccounts, ns, "default") is not null) return;
        Storage.Create(ServiceAccounts, ns, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns },
        }, fieldManager: Manager);
    }

    private void EnsureRootCa(string ns)
    {
        var existing = Storage.Store.GetReadOnly(ConfigMaps, ns, RootCaConfigMap);
        if (existing is not null && existing["data"].Str("ca.crt") == tokens.Pki.CaPem && existing.Meta()["annotations"].Str("kubernetes.io/description") == RootCaDescription) return;
        var data = new JsonObject { ["ca.crt"] = tokens.Pki.CaPem };
        var annotations = new JsonObject { ["kubernetes.io/description"] = RootCaDescription };
        if (existing is null)
        {
            Storage.Create(ConfigMaps, ns, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = RootCaConfigMap, ["namespace"] = ns, ["annotations"] = annotations },
                ["data"] = data,
            }, fieldManager: Manager);
            return;
        }
        var updated = existing.DeepClone().AsObject();
        updated["data"] = data;
        if (updated.Meta()["annotations"] is not JsonObject a) updated.Meta()["annotations"] = a = new JsonObject();
        a["kubernetes.io/description"] = RootCaDescription;
        ManagedFields.Record(updated, Manager, "Update", Storage.Now());
        Storage.Update(ConfigMaps, ns, RootCaConfigMap, updated, null);
    }

    private void SyncTokenSecret(JsonObject secret)
    {
        var ns = secret.Namespace()!;
        var annotations = secret.Meta()["annotations"] as JsonObject;
        var saName = annotations.Str(ServiceAccountNameKey);
        if (string.IsNullOrEmpty(saName)) return;
        var sa = Storage.Store.GetReadOnly(ServiceAccounts, ns, saName);
        var wantedUid = annotations.Str(ServiceAccountUidKey);
        // tokens_controller.go syncSecret: a token Secret whose ServiceAccount is gone (or is another one by now) is deleted.
        if (sa is null || (!string.IsNullOrEmpty(wantedUid) && wantedUid != sa.Uid()))
        {
            Storage.Delete(Secrets, ns, secret.Name(), new DeleteOptions(null, null, secret.Uid(), null, false));
            return;
        }
        var data = secret["data"] as JsonObject;
        if (data.Str("token") is { Length: > 0 } && data.Str("ca.crt") is { Length: > 0 } && data.Str("namespace") is { Length: > 0 } && wantedUid == sa.Uid()) return;
        var updated = secret.DeepClone().AsObject();
        var newData = updated["data"] as JsonObject ?? new JsonObject();
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        if (newData.Str("token") is not { Length: > 0 }) newData["token"] = B64(tokens.IssueLegacy(ns, saName, sa.Uid()!, secret.Name()));
        newData["ca.crt"] = B64(tokens.Pki.CaPem);
        newData["namespace"] = B64(ns);
        updated["data"] = newData;
        ((JsonObject)updated.Meta()["annotations"]!)[ServiceAccountUidKey] = sa.Uid();
        ManagedFields.Record(updated, Manager, "Update", Storage.Now());
        Storage.Update(Secrets, ns, secret.Name(), updated, null);
    }
}
