using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The controllers apiextensions-apiserver runs inside kube-apiserver for every CRD:
/// the naming controller (pkg/controller/status/naming_controller.go: accepted names and NamesAccepted), the establishing
/// controller (pkg/controller/establish/establishing_controller.go: Established once the names are accepted) and the finalizer
/// controller (pkg/controller/finalizer/crd_finalizer.go: a deleted CRD's objects are deleted, then the
/// <c>customresourcecleanup.apiextensions.k8s.io</c> finalizer is removed and the CRD goes).
/// Like the garbage collector it runs in the API server's process, on the store's change events.
/// </summary>
public sealed class CustomResourceDefinitionController(RestStorage storage)
    // A pass every simulated second as well: a deleted CRD waits for its objects to go (the finalizer controller's requeue).
    : Lifecycle.ChangeDrivenLoop(storage, TimeSpan.FromSeconds(1))
{
    private static readonly ResourceType Crds = ResourceRegistry.CustomResourceDefinitions;
    private readonly CustomResourceTypes types = CustomResourceTypes.For(storage.Store);

    protected override bool Matters(WatchEvent ev) => ev.Resource == Crds;

    protected override void Pass()
    {
        // The stored CRDs themselves (read only): a pass runs every simulated second, and CRD objects carry whole schemas.
        // After a write the list is read again, so a CRD accepted earlier in the pass counts as a naming conflict for the next.
        var all = Storage.Store.ListReadOnly(Crds, null).Items;
        foreach (var crd in all.ToList())
        {
            var version = Storage.Store.CurrentResourceVersion;
            Sync(crd, all);
            if (Storage.Store.CurrentResourceVersion != version) all = Storage.Store.ListReadOnly(Crds, null).Items;
        }
    }

    /// <summary>One CRD; false while it waits for something (objects still terminating).</summary>
    private bool Sync(JsonObject crd, IReadOnlyList<JsonObject> all)
    {
        if (crd.IsDeleting()) return Finalize(crd);
        var next = crd.CloneObject();
        var now = Storage.Now();
        var (accepted, reason, message) = NamingConflicts(crd, all);
        var status = next["status"] as JsonObject ?? new JsonObject();
        next["status"] = status;
        if (accepted is not null) status["acceptedNames"] = accepted;
        CrdConditions.Set(next, "NamesAccepted", accepted is null ? "False" : "True", reason, message, now);
        if (!CrdConditions.IsTrue(crd, "Established"))
        {
            if (accepted is null && CrdConditions.Find(crd, "Established") is null)
                CrdConditions.Set(next, "Established", "False", "NotAccepted", "not all names are accepted", now);
            else if (accepted is not null && CrdConditions.IsTrue(crd, "NamesAccepted"))
                CrdConditions.Set(next, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
            else if (accepted is not null)
                CrdConditions.Set(next, "Established", "False", "Installing", "the initial names have been accepted", now);
        }
        if (JsonNode.DeepEquals(crd["status"], next["status"])) return true;
        WriteStatus(next);
        return true;
    }

    /// <summary>calculateNamesAndConditions: the requested names, unless another CRD of the group already uses one of them.</summary>
    private static (JsonObject? Accepted, string Reason, string Message) NamingConflicts(JsonObject crd, IReadOnlyList<JsonObject> all)
    {
        var names = crd.Path("spec.names") as JsonObject ?? new JsonObject();
        var group = crd.Path("spec.group")?.ToString();
        var others = all.Where(o => o.Uid() != crd.Uid() && o.Path("spec.group")?.ToString() == group)
            .Select(o => o.Path("status.acceptedNames") as JsonObject).OfType<JsonObject>().ToList();
        static IEnumerable<string> Resources(JsonObject n) => new[] { n.Str("plural"), n.Str("singular") }.Concat((n["shortNames"] as JsonArray)?.Select(s => s?.ToString()) ?? []).OfType<string>().Where(s => s.Length > 0);
        var taken = others.SelectMany(Resources).ToHashSet(StringComparer.Ordinal);
        var kinds = others.SelectMany(o => new[] { o.Str("kind"), o.Str("listKind") }).OfType<string>().Where(s => s.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (names.Str("plural") is { } plural && taken.Contains(plural)) return (null, "PluralConflict", $"\"{plural}\" is already in use");
        if (names.Str("singular") is { } singular && taken.Contains(singular)) return (null, "SingularConflict", $"\"{singular}\" is already in use");
        foreach (var shortName in (names["shortNames"] as JsonArray)?.Select(s => s?.ToString() ?? "") ?? [])
            if (taken.Contains(shortName)) return (null, "ShortNamesConflict", $"\"{shortName}\" is already in use");
        if (names.Str("kind") is { } kind && kinds.Contains(kind)) return (null, "KindConflict", $"\"{kind}\" is already in use");
        if (names.Str("listKind") is { } listKind && kinds.Contains(listKind)) return (null, "ListKindConflict", $"\"{listKind}\" is already in use");
        return ((JsonObject)names.DeepClone(), "NoConflicts", "no conflicts found");
    }

    /// <summary>crd_finalizer.go sync: delete every object of the CRD, wait until they are gone, then drop the finalizer.</summary>
    private bool Finalize(JsonObject crd)
    {
        if (!crd.Finalizers().Contains(CustomResourceDefinitionStrategy.CleanupFinalizer)) return true;
        var now = Storage.Now();
        if (CrdConditions.Find(crd, "Terminating")?.Str("reason") is not "InstanceDeletionInProgress")
        {
            var inProgress = crd.CloneObject();
            CrdConditions.Set(inProgress, "Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", now);
            crd = WriteStatus(inProgress) ?? crd;
        }
        var key = types.StorageKeyOf(crd);
        var remaining = key is null ? [] : Storage.Store.List(key, null).Items;
        foreach (var obj in remaining.Where(o => !o.IsDeleting()))
        {
            try { Storage.Delete(key!, obj.Namespace(), obj.Name(), new DeleteOptions(null, "Background", obj.Uid(), null, false)); }
            catch (ApiError e) when (e.Code is 404 or 409) { }
        }
        if (key is not null && Storage.Store.List(key, null).Items.Count > 0) return false;
        var done = crd.CloneObject();
        CrdConditions.Set(done, "Terminating", "False", "InstanceDeletionCompleted", "removed all instances", now);
        done.SetFinalizers(done.Finalizers().Where(f => f != CustomResourceDefinitionStrategy.CleanupFinalizer));
        Storage.Write(Crds, done);
        return true;
    }

    private JsonObject? WriteStatus(JsonObject crd)
    {
        try { return Storage.Update(Crds, null, crd.Name(), crd, "status"); }
        catch (ApiError e) when (e.Code is 404 or 409)
        {
            Poke();
            return null;
        }
    }
}
