using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Registry.Service;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Validation;
using KubeLab.Simulator.Api.FieldManager;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// The generic registry logic between REST handlers and the store (apiserver's registry/generic Store):
/// metadata on create, optimistic concurrency, status subresource rules, generation, graceful deletion and finalizers.
/// </summary>
public sealed class RestStorage(ObjectStore store, TimeProvider time)
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public ObjectStore Store => store;
    public TimeProvider Time => time;
    public string Now() => ObjectMeta.Timestamp(time.GetUtcNow());

    public JsonObject Get(ResourceType t, string? ns, string name)
        => store.Get(t, ns, name) ?? throw ApiError.NotFound(t, name);

    /// <summary>The stored object itself, shared and read-only (for checks that only read it); NotFound when absent.</summary>
    public JsonObject GetReadOnly(ResourceType t, string? ns, string name)
        => store.GetReadOnly(t, ns, name) ?? throw ApiError.NotFound(t, name);

    /// <param name="handOver">The body is the caller's own copy, never used again: the store may keep it.</param>
    /// <param name="sharedResult">The caller only reads the result: the stored object is returned, not a copy.</param>
    public JsonObject Create(ResourceType t, string? ns, JsonObject obj, bool dryRun = false, string? fieldManager = null, bool handOver = false, bool sharedResult = false)
    {
        // Service writes are serialised: their cluster IPs and node ports are allocated from what the other Services hold.
        if (t.Kind == "Service") lock (ServiceAllocations.GateFor(store)) return CreateOnce(t, ns, obj, dryRun, fieldManager, handOver, sharedResult);
        return CreateOnce(t, ns, obj, dryRun, fieldManager, handOver, sharedResult);
    }

    private JsonObject CreateOnce(ResourceType t, string? ns, JsonObject obj, bool dryRun, string? fieldManager, bool handOver, bool sharedResult)
    {
        CheckKind(t, obj);
        var meta = obj.Meta();
        if (t.Namespaced)
        {
            var bodyNs = meta.Str("namespace");
            if (!string.IsNullOrEmpty(bodyNs) && ns is not null && bodyNs != ns)
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            ns ??= bodyNs ?? "default";
            meta["namespace"] = ns;
            var nsObj = store.Find(ResourceRegistry.Namespaces, null, ns) ?? throw ApiError.NamespaceNotFound(ns);
            if (nsObj.IsDeleting)
                throw ApiError.Forbidden(t, meta.Str("name") ?? meta.Str("generateName") ?? "",
                    $"unable to create new content in namespace {ns} because it is being terminated");
        }
        else meta.Remove("namespace");

        if (string.IsNullOrEmpty(meta.Str("name")) && meta.Str("generateName") is { Length: > 0 } prefix)
            meta["name"] = GenerateName(prefix);

        foreach (var k in new[] { "uid", "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink" })
            meta.Remove(k);
        meta["uid"] = Util.RandomIds.NewUid();
        meta["creationTimestamp"] = Now();
        // Pods carry no metadata.generation in 1.32 (pod generation arrived later).
        if (t.HasSpec && t.Kind != "Pod" && (obj["spec"] is not null || t.Custom is not null)) meta["generation"] = 1;
        if (fieldManager is not null) ManagedFields.Record(obj, fieldManager, "Update", Now());

        // Mutating admission (LimitRanger, then ServiceAccount) sees the decoded, defaulted pod and runs before the strategy's PrepareForCreate (QoS class).
        if (t.Kind == "Pod" && t.Group.Length == 0)
        {
            ObjectDefaulter.Default(t, obj);
            Admission.LimitRanger.Default(obj, Admission.LimitRanger.InNamespace(store, ns!));
            Admission.ServiceAccountAdmission.Admit(store, obj, time);
        }
        Admission.NodeRestriction.AdmitCreate(t, obj);
        ObjectDefaulter.PrepareForCreate(t, obj);
        if (t.Kind == "Service")
        {
            ObjectDefaulter.Default(t, obj);
            ServiceAllocations.AllocateCreate(store, obj);
        }
        if (t.Kind == "PersistentVolumeClaim") DefaultStorageClass.Admit(store, obj);
        if (t.Kind == "Ingress") DefaultIngressClass.Admit(store, obj);
        StorageObjectInUseProtection.Admit(t, obj);
        ObjectDefaulter.Default(t, obj);
        var errors = ObjectValidator.Validate(t, obj);
        if (errors.Count > 0) throw ApiError.Invalid(t, meta.Str("name") ?? "", errors);
        Authorization.RbacEscalationCheck.Admit(store, t, obj, null);
        // Validating admission: LimitRanger's min/max, then ResourceQuota (last, as in kube-apiserver's plugin order).
        if (t.Kind == "Pod" && t.Group.Length == 0 && Admission.LimitRanger.Validate(obj, Admission.LimitRanger.InNamespace(store, ns!)) is { } limitError)
            throw ApiError.Forbidden(t, obj.Name(), limitError);
        Admission.ResourceQuotaAdmission.Admit(store, t, obj, dryRun);

        if (dryRun)
        {
            if (store.Find(t, obj.Namespace(), obj.Name()) is not null) throw ApiError.AlreadyExists(t, obj.Name());
            return obj;
        }
        return store.Create(t, obj, handOver, sharedResult) ?? throw ApiError.AlreadyExists(t, obj.Name());
    }

    private static string GenerateName(string prefix)
    {
        // Kubernetes truncates the prefix so the result fits 63 characters, then appends 5 random characters.
        if (prefix.Length > 58) prefix = prefix[..58];
        var chars = new char[5];
        for (var i = 0; i < 5; i++) chars[i] = NameAlphabet[Random.Shared.Next(NameAlphabet.Length)];
        return prefix + new string(chars);
    }

    private static void CheckKind(ResourceType t, JsonObject obj)
    {
        var kind = obj.Str("kind");
        var apiVersion = obj.Str("apiVersion");
        if (kind is not null && kind != t.Kind)
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({t.GroupVersion}) or kind {kind} does not match {t.Kind}");
        if (apiVersion is not null && apiVersion != t.GroupVersion)
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({t.GroupVersion})");
        obj["kind"] = t.Kind;
        obj["apiVersion"] = t.GroupVersion;
    }

    /// <summary>
    /// PUT semantics. <paramref name="subresource"/> "status" only changes status; the main resource ignores status for kinds with a status subresource.
    /// <paramref name="applyManager"/> names the field manager when the write is a server-side apply (its Apply entry in <paramref name="obj"/> is kept as is).
    /// With <paramref name="handOver"/> the caller gives <paramref name="obj"/> away (a private copy it never reads again, such as a
    /// patch result), saving a deep copy; an unconditional update, which may be retried with the same body, still copies it.
    /// </summary>
    /// <param name="sharedResult">The caller only reads the result (to write the response): the store's own object is returned,
    /// saving a deep copy per write. It must not be changed.</param>
    /// <param name="onlyStatusDiffers">For the status subresource: <paramref name="obj"/> is the stored object with another status
    /// (a patch of status alone), so with <paramref name="handOver"/> it becomes the new version as it is.</param>
    public JsonObject Update(ResourceType t, string? ns, string name, JsonObject obj, string? subresource, bool dryRun = false, string? fieldManager = null, bool allowPodSpecChange = false, string? applyManager = null, bool handOver = false, bool sharedResult = false, bool onlyStatusDiffers = false)
    {
        // An unconditional update (no resourceVersion in the body) must not fail because another writer got in between.
        var unconditional = string.IsNullOrEmpty(obj.Meta().Str("resourceVersion"));
        var owned = handOver && !unconditional;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (t.Kind == "Service" && subresource != "status")
                    lock (ServiceAllocations.GateFor(store)) return UpdateOnce(t, ns, name, obj, subresource, dryRun, fieldManager, allowPodSpecChange, applyManager, owned, sharedResult, onlyStatusDiffers);
                return UpdateOnce(t, ns, name, obj, subresource, dryRun, fieldManager, allowPodSpecChange, applyManager, owned, sharedResult, onlyStatusDiffers);
            }
            catch (ApiError e) when (unconditional && e.Code == 409 && e.Reason == "Conflict" && attempt < 10) { }
        }
    }

    private JsonObject UpdateOnce(ResourceType t, string? ns, string name, JsonObject obj, string? subresource, bool dryRun, string? fieldManager, bool allowPodSpecChange, string? applyManager, bool owned, bool sharedResult, bool onlyStatusDiffers)
    {
        CheckKind(t, obj);
        var meta = obj.Meta();
        var bodyName = meta.Str("name");
        if (string.IsNullOrEmpty(bodyName)) meta["name"] = bodyName = name;
        if (bodyName != name) throw ApiError.BadRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        if (t.Namespaced)
        {
            var bodyNs = meta.Str("namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        var expected = meta.Str("resourceVersion");
        if (string.IsNullOrEmpty(expected)) expected = null;

        // Read only below (every part taken over into next is deep-copied), so the stored object itself will do.
        var current = store.GetReadOnly(t, ns, name) ?? throw ApiError.NotFound(t, name);
        if (expected is not null && current.Meta().Str("resourceVersion") != expected) throw ApiError.Conflict(t, name);

        JsonObject next;
        if (subresource == "status")
        {
            // A patch of status alone was applied to a copy of this very version (its resourceVersion matched above): that copy is
            // the next version already; otherwise the stored version with the body's status.
            if (owned && onlyStatusDiffers) next = obj;
            else
            {
                next = current.CloneObject();
                var status = obj["status"];
                if (owned) obj.Remove("status"); // moved, not copied
                next["status"] = owned ? status : status?.DeepClone();
            }
            Admission.NodeRestriction.AdmitUpdate(t, subresource, current, next);
            // A status apply brings the manager's new Apply entry along.
            if (applyManager is not null && obj.Meta()["managedFields"] is JsonArray applied) next.Meta()["managedFields"] = applied.DeepClone();
            // Custom resources: the status is pruned, defaulted and validated against the schema too (customresource status strategy).
            if (t.Custom is not null)
            {
                ObjectDefaulter.Default(t, next);
                if (ObjectValidator.Validate(t, next) is { Count: > 0 } statusErrors) throw ApiError.Invalid(t, name, statusErrors);
            }
        }
        else
        {
            next = owned ? obj : obj.CloneObject();
            if (t.HasStatus) next["status"] = current["status"]?.DeepClone();
            // Immutable or server-owned metadata.
            var nm = next.Meta();
            var cm = current.Meta();
            foreach (var k in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "generateName" })
            {
                if (cm[k] is { } v) nm[k] = v.DeepClone(); else nm.Remove(k);
            }
            // A body without managedFields (or with an empty list) keeps the stored ones, as on the real server.
            if (nm["managedFields"] is not JsonArray { Count: > 0 } && cm["managedFields"] is { } mf) nm["managedFields"] = mf.DeepClone();
            if (fieldManager is not null) ManagedFields.Record(next, fieldManager, "Update", Now());
            ObjectDefaulter.Default(t, next);
            Admission.NodeRestriction.AdmitUpdate(t, subresource, current, next);
            if (t.Kind == "Service" && ServiceAllocations.AllocateUpdate(store, current, next) is { Count: > 0 } allocErrors)
                throw ApiError.Invalid(t, name, allocErrors);
            if (t.Custom is not null ? CustomResources.CustomResourceStrategy.GenerationChanges(t.Custom, current, next)
                : t.HasSpec && t.Kind != "Pod" && !JsonNode.DeepEquals(current["spec"], next["spec"]))
                nm["generation"] = (current.Meta()["generation"].Long() ?? 0) + 1;
            // Update checks come first, then the new object's own validation (ValidateSecretUpdate / ValidateConfigMapUpdate order).
            var errors = t.Kind switch
            {
                "Secret" => ConfigMapSecretValidation.ValidateSecretUpdate(current, next),
                "ConfigMap" => ConfigMapSecretValidation.ValidateConfigMapUpdate(current, next),
                _ => [],
            };
            errors.AddRange(ObjectValidator.Validate(t, next));
            if (t.Kind == "Pod" && !allowPodSpecChange) errors.AddRange(ObjectValidator.ValidatePodUpdate(current, next));
            if (t == ResourceRegistry.CustomResourceDefinitions) CustomResources.CustomResourceDefinitionValidation.ValidateUpdate(current, next, errors);
            errors.AddRange(ObjectValidator.ValidateUpdate(t, current, next));
            if (errors.Count > 0) throw ApiError.Invalid(t, name, errors);
            Authorization.RbacEscalationCheck.Admit(store, t, next, current);
            if (t.Kind == "PersistentVolumeClaim" && PersistentVolumeValidation.ResizeRefusal(current, next,
                    sc => store.Get(ResourceRegistry.Types.First(r => r.Kind == "StorageClass"), null, sc)) is { } refused)
                throw ApiError.Forbidden(t, name, refused);
            if (t.Kind == "Namespace" && current.IsDeleting()) next["status"] = current["status"]?.DeepClone();
        }
        FieldOwnershipTransfer.Release(current, next, applyManager, subresource == "status" ? "status" : null);
        if (dryRun) return next;
        next.Meta()["resourceVersion"] = current.Meta()["resourceVersion"]?.DeepClone();
        // next is this call's own copy (cloned above) and not used again: the store may keep it as is.
        var result = store.Update(t, next, current.Meta().Str("resourceVersion"), handOver: true, sharedResult);
        return result.Outcome switch
        {
            UpdateOutcome.NotFound => throw ApiError.NotFound(t, name),
            UpdateOutcome.Conflict => throw ApiError.Conflict(t, name),
            _ => FinishIfReleased(t, result.Object!),
        };
    }

    /// <summary>An object that is being deleted goes away once its last finalizer is removed.</summary>
    private JsonObject FinishIfReleased(ResourceType t, JsonObject obj)
    {
        if (obj.IsDeleting() && obj.Finalizers().Count == 0 && !(t.Kind == "Pod" && PodWaitsForGrace(obj))
            && !(t.Kind == "Namespace" && (obj.Path("spec.finalizers") as JsonArray)?.Count > 0))
            return store.Delete(t, obj.Namespace(), obj.Name(), obj.Uid()) ?? obj;
        return obj;
    }

    private bool PodWaitsForGrace(JsonObject pod)
    {
        var grace = pod.Meta()["deletionGracePeriodSeconds"].Long() ?? 0;
        var at = ObjectMeta.ParseTime(pod.Meta().Str("deletionTimestamp"));
        return grace > 0 && at is not null && at > time.GetUtcNow();
    }

    /// <summary>
    /// DELETE. Returns the object as the server reports it: either the final state (gone) or the object now carrying a deletionTimestamp.
    /// </summary>
    public (JsonObject Object, bool Gone) Delete(ResourceType t, string? ns, string name, DeleteOptions options)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return DeleteOnce(t, ns, name, options); }
            catch (ConcurrentWrite) when (attempt < 10) { }
        }
    }

    /// <summary>Another writer changed the object between our read and write; the operation is simply retried.</summary>
    private sealed class ConcurrentWrite : Exception;

    private (JsonObject Object, bool Gone) DeleteOnce(ResourceType t, string? ns, string name, DeleteOptions options)
    {
        var current = store.Get(t, ns, name) ?? throw ApiError.NotFound(t, name);
        if (options.PreconditionUid is { } uid && current.Uid() != uid)
            throw ApiError.Conflict(t, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid()}");
        if (options.PreconditionResourceVersion is { } rv && current.Meta().Str("resourceVersion") != rv)
            throw ApiError.Conflict(t, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.Meta().Str("resourceVersion")}");
        Admission.NodeRestriction.AdmitDelete(t, current);

        var policy = options.PropagationPolicy ?? DefaultPropagation(t, current);
        if (policy is not ("Background" or "Foreground" or "Orphan"))
            throw ApiError.BadRequest($"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");

        var next = current.CloneObject();
        var finalizers = next.Finalizers();
        if (policy == "Foreground" && !finalizers.Contains("foregroundDeletion")) finalizers.Add("foregroundDeletion");
        if (policy == "Orphan" && !finalizers.Contains("orphan")) finalizers.Add("orphan");
        if (t.Kind == "Namespace" && !next.IsDeleting())
        {
            // Namespace deletion: phase Terminating; the namespace controller empties it and then removes it.
            next["status"] = new JsonObject { ["phase"] = "Terminating" };
            if (!finalizers.Contains("kubernetes") && next.Path("spec.finalizers") is null)
                next["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        }
        if (t == ResourceRegistry.CustomResourceDefinitions) CustomResources.CustomResourceDefinitionStrategy.BeginDelete(next, finalizers, Now());
        next.SetFinalizers(finalizers);

        var grace = t.Kind == "Pod" ? PodGrace(next, options.GracePeriodSeconds) : 0;
        var namespaceWaits = t.Kind == "Namespace" && (next.Path("spec.finalizers") as JsonArray)?.Count > 0;
        // dryRun=All answers as the deletion would, and stores nothing.
        if (options.DryRun) return (finalizers.Count == 0 && grace == 0 && !namespaceWaits ? current : next, finalizers.Count == 0 && grace == 0 && !namespaceWaits);
        if (finalizers.Count == 0 && grace == 0 && !namespaceWaits)
        {
            var gone = store.Delete(t, ns, name, current.Uid()) ?? throw ApiError.NotFound(t, name);
            return (gone, true);
        }

        var m = next.Meta();
        var now = time.GetUtcNow();
        if (m["deletionTimestamp"] is null || (t.Kind == "Pod" && grace < (m["deletionGracePeriodSeconds"].Long() ?? long.MaxValue)))
        {
            m["deletionTimestamp"] = ObjectMeta.Timestamp(now.AddSeconds(grace));
            m["deletionGracePeriodSeconds"] = grace;
        }
        // next is this call's own copy (cloned above) and not used again: the store may keep it as is.
        var result = store.Update(t, next, current.Meta().Str("resourceVersion"), handOver: true);
        if (result.Outcome == UpdateOutcome.Conflict) throw new ConcurrentWrite();
        if (result.Object is null) throw ApiError.NotFound(t, name);
        if (t.Kind == "Pod" && grace == 0 && finalizers.Count == 0)
            return (store.Delete(t, ns, name, current.Uid()) ?? result.Object, true);
        return (result.Object, false);
    }

    /// <summary>Pods on a node get a graceful deletion period (spec.terminationGracePeriodSeconds, default 30); unscheduled pods go at once.</summary>
    private static long PodGrace(JsonObject pod, long? requested)
    {
        if (string.IsNullOrEmpty(pod.Path("spec.nodeName")?.GetValue<string>())) return 0;
        if (pod.Path("status.phase")?.GetValue<string>() is "Succeeded" or "Failed") return 0;
        var g = requested ?? pod.Path("spec.terminationGracePeriodSeconds").Long() ?? 30;
        return Math.Max(0, g);
    }

    private static string DefaultPropagation(ResourceType t, JsonObject obj)
    {
        // The object's own finalizers can request orphaning; otherwise the default is Background
        // (the legacy orphan default of extensions/v1beta1 and RC clients is not modelled).
        // batch/v1 Jobs keep their old default: the Job REST strategy's DefaultGarbageCollectionPolicy is OrphanDependents
        // (kubectl always sends propagationPolicy, Background unless --cascade says otherwise).
        if (t.Group == "batch" && t.Kind == "Job") return "Orphan";
        return obj.Finalizers().Contains("orphan") ? "Orphan" : "Background";
    }

    /// <summary>Direct removal used by controllers in this process (GC, namespace lifecycle).</summary>
    public JsonObject? ForceRemove(ResourceType t, JsonObject obj) => store.Delete(t, obj.Namespace(), obj.Name(), obj.Uid());

    /// <summary>Write an object back (used by in-process controllers); releases it if it is deleting and has no finalizers.</summary>
    public JsonObject? Write(ResourceType t, JsonObject obj)
    {
        var r = store.Update(t, obj, obj.Meta().Str("resourceVersion"));
        return r.Object is null ? null : FinishIfReleased(t, r.Object);
    }
}
