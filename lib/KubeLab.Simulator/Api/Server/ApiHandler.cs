using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Patching;
using KubeLab.Simulator.Api.Printing;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;
using KubeLab.Simulator.Api.Conversion;
using KubeLab.Simulator.Api.FieldManager;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// The HTTP front of the API server: routes every request (health, version, discovery, resources) and turns
/// every failure into a <c>kind: Status</c> response – unexpected exceptions become 500 InternalError, never a dropped connection.
/// </summary>
public sealed class ApiHandler(RestStorage storage, DataPlane dataPlane, Func<string> serverAddress, CancellationToken shutdown)
{
    private readonly WatchStream watches = new(storage.Store, storage.Time);
    private readonly ListPaging paging = new(storage.Store);
    // The CRDs' served versions (apiextensions-apiserver's crdHandler, in the same process as the built-in types).
    private readonly CustomResources.CustomResourceTypes custom = CustomResources.CustomResourceTypes.For(storage.Store);
    // What pods "use": one ledger per API server (i.e. per simulated cluster), fed by the service proxy, read by metrics.k8s.io.
    private readonly Metrics.MetricsApi metrics = new(storage, dataPlane.Consumption);
    private Api.Proxy.ServiceProxy? proxy;
    private Api.Proxy.ServiceProxy ProxyRoutes => LazyInitializer.EnsureInitialized(ref proxy, () => new Api.Proxy.ServiceProxy(storage, dataPlane));
    // Pod log and exec: through the node's kubelet (DataPlane.Kubelets).
    private Api.PodSubresources.PodSubresourceRoutes? podSubresources;
    private Api.PodSubresources.PodSubresourceRoutes PodSubresourceRoutes =>
        LazyInitializer.EnsureInitialized(ref podSubresources, () => new Api.PodSubresources.PodSubresourceRoutes(storage, dataPlane, shutdown));

    /// <summary>TokenRequest, SelfSubjectReview and TokenReview (set by SimulatedCluster once the cluster's PKI exists).</summary>
    public Authentication.AuthenticationApi? Authentication { get; set; }

    private Authentication.AuthenticationApi AuthenticationRoutes => Authentication ?? throw ApiError.UnknownResource();

    /// <summary>The authorizer every request passes (kind's Node,RBAC); <see cref="Authorization.AlwaysAllowAuthorizer"/> for comparisons.</summary>
    public Authorization.IAuthorizer Authorizer { get; set; } = Authorization.UnionAuthorizer.NodeAndRbac(storage.Store);

    private readonly bool aggregationStarted = StartAggregation(storage, shutdown);

    private static bool StartAggregation(RestStorage storage, CancellationToken shutdown)
    {
        Authorization.ClusterRoleAggregation.Start(storage, shutdown);
        return true;
    }

    public async Task Handle(HttpContext ctx)
    {
        try
        {
            Authorize(ctx);
            await Route(ctx);
        }
        catch (ApiError e) when (!ctx.Response.HasStarted)
        {
            await HttpIO.WriteStatus(ctx, e);
        }
        catch (Exception) when (ctx.RequestAborted.IsCancellationRequested || shutdown.IsCancellationRequested)
        {
            // Client went away or server is stopping.
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            await HttpIO.WriteStatus(ctx, new ApiError(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>
    /// The filter chain in front of every handler (apiserver's WithImpersonation, WithAuthorization): the request's user,
    /// impersonated if asked, must be allowed the request's verb on its resource or path, else 403 with kube-apiserver's text.
    /// </summary>
    private void Authorize(HttpContext ctx)
    {
        _ = aggregationStarted;
        var user = Authorization.Impersonation.Apply(ctx, Authorization.RequestUser.Authenticated(ctx), Authorizer);
        ctx.Items[KubeLab.Simulator.Api.Authentication.UserInfo.ItemKey] = user;
        Authorization.RequestUser.Set(user);
        var attributes = Authorization.RequestAttributesFactory.From(user, ctx.Request.Method, ctx.Request.Path.Value ?? "/",
            name => ctx.Request.Query.TryGetValue(name, out var v) ? v.FirstOrDefault() : null);
        var decision = Authorizer.Authorize(attributes);
        if (!decision.Allowed) throw Authorization.ForbiddenResponse.Error(attributes, decision.Reason);
    }

    private async Task Route(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var seg = path.Trim('/').Split('/', StringSplitOptions.None);
        if (seg.Length == 1 && seg[0] == "") seg = [];
        var method = ctx.Request.Method;

        switch (path.TrimEnd('/'))
        {
            case "/healthz" or "/readyz" or "/livez":
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok");
                return;
            case "/version":
                await HttpIO.WriteJson(ctx, 200, Discovery.Version());
                return;
            case "/api":
                await HttpIO.WriteJson(ctx, 200, Discovery.CoreVersions(serverAddress()));
                return;
            case "/apis":
                await HttpIO.WriteJson(ctx, 200, Discovery.GroupList(custom.Served));
                return;
        }

        if (seg.Length >= 2 && seg[0] == "openapi" && seg[1] == "v3" && method == "GET")
        {
            var key = string.Join("/", seg[2..]);
            var doc = seg.Length == 2 ? OpenApi.Root(custom.Served)
                : OpenApi.GroupVersion(key) ?? CustomResources.CustomResourceOpenApi.GroupVersion(key, custom.Served) ?? throw ApiError.UnknownResource();
            await HttpIO.WriteJson(ctx, 200, doc);
            return;
        }
        if (Api.Proxy.ServiceProxy.Matches(seg))
        {
            await ProxyRoutes.Serve(ctx, seg);
            return;
        }
        if (Api.PodSubresources.PodSubresourceRoutes.Matches(seg))
        {
            await PodSubresourceRoutes.Serve(ctx, seg);
            return;
        }
        if (seg.Length >= 2 && seg[0] == "api" && seg[1] == "v1")
        {
            if (seg.Length == 2) { await HttpIO.WriteJson(ctx, 200, Discovery.ResourceList("v1")!); return; }
            await Resource(ctx, method, RequestInfo.Parse("", "v1", seg[2..]));
            return;
        }
        if (seg.Length >= 2 && seg[0] == "apis" && Discovery.HasGroup(seg[1], custom.Served))
        {
            if (seg.Length == 2) { await HttpIO.WriteJson(ctx, 200, Discovery.Group(seg[1], custom.Served)); return; }
            var gv = $"{seg[1]}/{seg[2]}";
            if (seg.Length == 3) { await HttpIO.WriteJson(ctx, 200, Discovery.ResourceList(gv, custom.Served) ?? throw ApiError.UnknownResource()); return; }
            await Resource(ctx, method, RequestInfo.Parse(seg[1], seg[2], seg[3..], custom));
            return;
        }
        throw ApiError.UnknownResource();
    }

    private static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private async Task Resource(HttpContext ctx, string method, RequestInfo info)
    {
        var t = info.Resource;
        var ns = info.Namespace;
        // Namespaced kinds are only listed/watched across namespaces (/api/v1/pods); everything else needs /namespaces/{ns}/.
        if (t.Namespaced && ns is null)
        {
            if (info.Name is not null) throw ApiError.UnknownResource();
            if (method != "GET") throw ApiError.MethodNotAllowed();
        }

        // Reviews are POSTed, answered and never stored: access reviews by the authorizer, SelfSubjectReview/TokenReview by authentication.
        if (t.CreateOnly && t.Group == "authorization.k8s.io") { await Review(ctx, method, info); return; }
        if (t.CreateOnly) { await AuthenticationRoutes.ServeReview(ctx, method, info); return; }
        if (t.Computed) { await metrics.Serve(ctx, method, info); return; }
        if (info.Subresource == "token") { await AuthenticationRoutes.ServeTokenRequest(ctx, method, info); return; }
        var watch = info.LegacyWatch || QueryOptions.Watch(ctx);
        if (info.Subresource == "scale") { await Scale(ctx, method, info); return; }
        if (info.Subresource == "eviction" && t.Kind == "Pod" && info.Name is not null)
        {
            if (method != "POST") throw ApiError.MethodNotAllowed();
            QueryOptions.ValidateWrite(ctx, "CreateOptions");
            var eviction = await HttpIO.ReadObject(ctx);
            await HttpIO.WriteJson(ctx, 201, Registry.Pod.EvictionRest.Evict(storage, ns!, info.Name, eviction, HttpIO.DryRun(ctx)));
            return;
        }
        if (info.Subresource == "binding")
        {
            if (method != "POST") throw ApiError.MethodNotAllowed();
            await Bind(ctx, info);
            return;
        }

        switch (method)
        {
            case "GET" when watch:
            {
                QueryOptions.ParseList(ctx, watch: true);
                var (labels, fields) = Selectors(ctx, t);
                await watches.Serve(ctx, info, labels, fields, WantsTable(ctx), HttpIO.Query(ctx, "includeObject") ?? "PartialObjectMetadata", shutdown);
                return;
            }
            case "GET" when info.Name is null:
            {
                var options = QueryOptions.ParseList(ctx, watch: false);
                var (labels, fields) = Selectors(ctx, t);
                var page = paging.List(t, ns, options, o => fields.Matches(o) && (labels.IsEmpty || labels.Matches(o.Labels())), filtered: !labels.IsEmpty || !string.IsNullOrEmpty(HttpIO.Query(ctx, "fieldSelector")));
                await WriteObjects(ctx, t, page.Items.Select(o => Present(t, o)).ToList(), page.Rv.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    continueToken: page.Continue, remaining: page.RemainingItemCount);
                return;
            }
            case "GET":
            {
                var obj = Present(t, storage.Get(t, ns, info.Name!));
                if (WantsTable(ctx)) await WriteObjects(ctx, t, [obj], obj.Meta().Str("resourceVersion") ?? "");
                else await HttpIO.WriteJson(ctx, 200, obj);
                return;
            }
            case "POST" when info.Name is null && info.Subresource is null:
            {
                QueryOptions.ValidateWrite(ctx, "CreateOptions");
                // customresource_handler.go: no new objects while the CRD's objects are being deleted.
                if (t.Custom?.Terminating == true) throw ApiError.MethodNotAllowed("create not allowed while custom resource definition is terminating");
                var body = await HttpIO.ReadObject(ctx);
                Validation.Decoding.TypedDecoding.CheckBody(t, body);
                FieldValidation(t, body, HttpIO.Query(ctx, "fieldValidation"));
                var (st, sb) = Stored(t, body);
                // The decoded body is this request's own: stored as it is, and the response reads the stored object.
                var created = storage.Create(st, ns, sb, HttpIO.DryRun(ctx), HttpIO.Query(ctx, "fieldManager"), handOver: true, sharedResult: true);
                await HttpIO.WriteJson(ctx, 201, PresentShared(t, created));
                return;
            }
            case "PUT" when info.Name is not null:
            {
                QueryOptions.ValidateWrite(ctx, "UpdateOptions");
                var body = await HttpIO.ReadObject(ctx);
                Validation.Decoding.TypedDecoding.CheckBody(t, body);
                FieldValidation(t, body, HttpIO.Query(ctx, "fieldValidation"));
                var (st, sb) = Stored(t, body);
                // The decoded body is this request's own: the storage may keep it rather than copy it.
                var updated = storage.Update(st, ns, info.Name, sb, info.Subresource == "finalize" ? null : info.Subresource, HttpIO.DryRun(ctx), HttpIO.Query(ctx, "fieldManager"), handOver: true, sharedResult: true);
                await HttpIO.WriteJson(ctx, 200, PresentShared(t, updated));
                return;
            }
            case "PATCH" when info.Name is not null:
            {
                QueryOptions.ValidateWrite(ctx, "PatchOptions");
                var result = await Patch(ctx, info);
                await HttpIO.WriteJson(ctx, result.Created ? 201 : 200, result.Shared ? PresentShared(t, result.Object) : Present(t, result.Object));
                return;
            }
            case "DELETE" when info.Name is not null && info.Subresource is null:
            {
                var options = await ReadDeleteOptions(ctx);
                var (obj, gone) = storage.Delete(t, ns, info.Name, options);
                // A finished deletion answers with the final object (or a Success Status for some kinds); a pending one with the object itself (202).
                await HttpIO.WriteJson(ctx, gone ? 200 : 202, Present(t, obj));
                return;
            }
            case "DELETE" when info.Name is null:
            {
                QueryOptions.ParseList(ctx, watch: false);
                var options = await ReadDeleteOptions(ctx);
                var (labels, fields) = Selectors(ctx, t);
                var (items, rv) = storage.Store.List(t, ns);
                var deleted = new List<JsonObject>();
                foreach (var o in items.Where(o => labels.Matches(o.Labels()) && fields.Matches(o)))
                {
                    try { deleted.Add(storage.Delete(t, o.Namespace(), o.Name(), options).Object); }
                    catch (ApiError e) when (e.Code == 404) { }
                }
                await WriteObjects(ctx, t, deleted.Select(o => Present(t, o)).ToList(), rv.ToString(System.Globalization.CultureInfo.InvariantCulture), allowTable: false);
                return;
            }
            default:
                throw ApiError.MethodNotAllowed();
        }
    }

    /// <summary>authorization.k8s.io's access reviews: POST only, answered from the authorizer (201, never stored).</summary>
    private async Task Review(HttpContext ctx, string method, RequestInfo info)
    {
        if (method != "POST" || info.Name is not null) throw ApiError.MethodNotAllowed();
        var body = await HttpIO.ReadObject(ctx);
        Validation.Decoding.TypedDecoding.CheckBody(info.Resource, body);
        var user = Authorization.RequestUser.Current ?? Authorization.RequestUser.Authenticated(ctx);
        var answer = Authorization.AccessReviews.Answer(Authorizer, Authorization.RbacAuthorizer.For(storage.Store), info.Resource, info.Namespace, body, user);
        await HttpIO.WriteJson(ctx, 201, answer);
    }

    /// <summary>Strict field validation: against the Go types for built-in kinds, against the structural schema for custom ones.</summary>
    private static void FieldValidation(ResourceType t, JsonObject body, string? mode)
    {
        if (t.Custom is not null) CustomResources.CustomResourceStrategy.CheckStrict(t, body, mode);
        else
        {
            Validation.StrictFieldValidation.Check(t, body, mode);
            Validation.StrictFieldValidation.Prune(t, body);
        }
    }

    /// <summary>Present a stored object in the requested group version (events.k8s.io/v1, autoscaling/v1 are converted: <see cref="VersionConversion"/>).</summary>
    /// <summary>
    /// <see cref="Present"/> for an object the response may only read (the store's own, after a write): written as it is when it
    /// already reads as the requested version, else presented from a copy.
    /// </summary>
    private static JsonObject PresentShared(ResourceType t, JsonObject obj) =>
        !VersionConversion.Converts(t) && t.Custom is null && obj.Str("kind") == t.Kind && obj.Str("apiVersion") == t.GroupVersion
            ? obj : Present(t, obj.CloneObject());

    internal static JsonObject Present(ResourceType t, JsonObject obj)
    {
        if (VersionConversion.Converts(t)) return VersionConversion.ToServed(t, obj);
        if (t.Custom is { } c) CustomResources.CustomResourceStrategy.DefaultOnRead(c, obj);
        obj["kind"] = t.Kind;
        obj["apiVersion"] = t.GroupVersion;
        return obj;
    }

    /// <summary>The type objects are written as, and the body converted to it (events.k8s.io bodies become core Events, autoscaling/v1 HPAs v2 ones).</summary>
    private static (ResourceType Type, JsonObject Body) Stored(ResourceType t, JsonObject body)
        => VersionConversion.Converts(t) ? (ResourceRegistry.StorageType(t), VersionConversion.ToStored(t, body)) : (t, body);

    private async Task WriteObjects(HttpContext ctx, ResourceType t, List<JsonObject> items, string rv, bool allowTable = true, string? continueToken = null, long? remaining = null)
    {
        // ListMeta of a chunk: the token for the next one and, when known, how many items follow.
        void Chunk(JsonObject list)
        {
            if (list["metadata"] is not JsonObject meta) list["metadata"] = meta = new JsonObject();
            if (continueToken is not null) meta["continue"] = continueToken;
            if (remaining is not null) meta["remainingItemCount"] = remaining;
        }
        if (allowTable && WantsTable(ctx))
        {
            var table = TablePrinter.ToTable(t, items, rv, HttpIO.Query(ctx, "includeObject") ?? "PartialObjectMetadata", storage.Time.GetUtcNow());
            Chunk(table);
            await HttpIO.WriteJson(ctx, 200, table);
            return;
        }
        var list = new JsonObject
        {
            ["kind"] = t.Custom?.ListKind ?? t.Kind + "List", ["apiVersion"] = t.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
            ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
        };
        Chunk(list);
        await HttpIO.WriteJson(ctx, 200, list);
    }

    private static (LabelSelector, FieldSelector) Selectors(HttpContext ctx, ResourceType t)
    {
        LabelSelector labels;
        try { labels = LabelSelector.Parse(HttpIO.Query(ctx, "labelSelector")); }
        catch (FormatException e) { throw ApiError.BadRequest(e.Message); }
        var fieldText = HttpIO.Query(ctx, "fieldSelector");
        fieldText = VersionConversion.StoredFieldSelector(t, fieldText);
        return (labels, FieldSelector.Parse(fieldText, t));
    }

    private static async Task<DeleteOptions> ReadDeleteOptions(HttpContext ctx)
    {
        JsonObject body;
        try { body = await HttpIO.ReadBody(ctx, allowEmpty: true) as JsonObject ?? new JsonObject(); }
        catch (ApiError) { throw; }
        long? grace = body["gracePeriodSeconds"].Long();
        if (QueryOptions.Int64(ctx, "gracePeriodSeconds") is { } g) grace = g;
        var policy = body.Str("propagationPolicy") ?? HttpIO.Query(ctx, "propagationPolicy");
        if (policy == "") policy = null;
        var orphanSet = body["orphanDependents"] is JsonValue od && od.TryGetValue<bool>(out _) || HttpIO.Query(ctx, "orphanDependents") is { Length: > 0 };
        var bodyDryRun = body["dryRun"] is JsonArray d ? d.Select(x => x?.ToString() ?? "").ToList() : [];
        QueryOptions.ValidateDelete(policy, orphanSet, bodyDryRun, ctx);
        if (body["orphanDependents"] is JsonValue od2 && od2.TryGetValue<bool>(out var orphan)) policy ??= orphan ? "Orphan" : "Background";
        var dry = bodyDryRun.Contains("All") || HttpIO.DryRun(ctx);
        return new DeleteOptions(grace, policy, body.Path("preconditions.uid")?.ToString(), body.Path("preconditions.resourceVersion")?.ToString(), dry);
    }

    private async Task<(JsonObject Object, bool Created, bool Shared)> Patch(HttpContext ctx, RequestInfo info)
    {
        var t = info.Resource;
        var media = HttpIO.MediaType(ctx);
        var patch = await HttpIO.ReadBody(ctx);
        var dryRun = HttpIO.DryRun(ctx);
        var manager = HttpIO.Query(ctx, "fieldManager");
        // Merge, strategic merge and JSON patches copy the object they patch, so for them the store's shared, read-only object is
        // basis enough (one deep copy less per PATCH – every kubelet status write is one).
        var readOnlyBasis = media is "application/merge-patch+json" or "application/json-patch+json" or "application/strategic-merge-patch+json"
            && !VersionConversion.Converts(t);
        JsonObject? Current() => readOnlyBasis ? storage.Store.GetReadOnly(t, info.Namespace, info.Name!) : storage.Store.Get(t, info.Namespace, info.Name!);
        var current = Current();

        if (media == "application/apply-patch+yaml")
        {
            if (string.IsNullOrEmpty(manager))
                throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
            if (patch is not JsonObject applied) throw ApiError.BadRequest("the apply configuration must be an object");
            if (applied.Meta().Str("name") is { } n && n != info.Name)
                throw ApiError.BadRequest($"the name of the object ({n}) does not match the name on the URL ({info.Name})");
            // The real field manager refuses apply configurations that try to set ownership themselves.
            if (applied.Meta()["managedFields"] is not null) throw ApiError.BadRequest("metadata.managedFields must be nil");
            applied.Meta()["name"] = info.Name;
            Validation.Decoding.TypedDecoding.CheckApplied(t, applied, info.Namespace, info.Name!);
            FieldValidation(t, applied, HttpIO.Query(ctx, "fieldValidation"));
            var fields = AppliedFieldSet.Of(applied, t.HasStatus, info.Subresource);
            // Apply removes what this manager applied before and no longer applies (unless another applier owns it), merges the
            // configuration onto the object as it is now, and records the new field set. When a controller writes in between
            // (e.g. a status update), all of it is redone on the new state, as the real server's GuaranteedUpdate does – unless
            // the applied configuration pins a resourceVersion itself.
            for (var attempt = 0; ; attempt++)
            {
                if (current is null)
                {
                    if (info.Subresource is not null) throw ApiError.NotFound(t, info.Name!);
                    var toCreate = applied.CloneObject();
                    ManagedFields.RecordApply(toCreate, manager, null, fields, storage.Now());
                    var (ct, cb) = Stored(t, toCreate);
                    return (storage.Create(ct, info.Namespace, cb, dryRun), true, false);
                }
                // A version other than the stored one is applied to the object as that version shows it.
                var live = UnappliedFields.Prepare(VersionConversion.Converts(t) ? Present(t, current) : current, applied, fields, manager, info.Subresource);
                JsonObject merged;
                // Malformed directives ($retainKeys of objects, …) are the client's error, as for a strategic merge PATCH below.
                try { merged = (JsonObject)StrategicMergePatch.Apply(live, applied)!; }
                catch (InvalidOperationException e) { throw ApiError.BadRequest($"the patch could not be applied: {e.Message}"); }
                ManagedFields.RecordApply(merged, manager, info.Subresource, fields, storage.Now());
                var (mt, mb) = Stored(t, merged);
                try { return (storage.Update(mt, info.Namespace, info.Name!, mb, info.Subresource, dryRun, applyManager: manager), false, false); }
                catch (ApiError e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < 10 && applied.Path("metadata.resourceVersion") is null)
                {
                    current = storage.Store.Get(t, info.Namespace, info.Name!);
                }
            }
        }

        // Like the real server (GuaranteedUpdate), a patch without its own resourceVersion is re-applied when a concurrent write wins.
        for (var attempt = 0; ; attempt++)
        {
            if (current is null) throw ApiError.NotFound(t, info.Name!);
            try { return (ApplyPatch(t, info, media, patch, current, manager, dryRun, HttpIO.Query(ctx, "fieldValidation")), false, true); }
            catch (ApiError e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < 10 && (patch as JsonObject)?.Path("metadata.resourceVersion") is null)
            {
                current = Current();
            }
        }
    }

    private JsonObject ApplyPatch(ResourceType t, RequestInfo info, string media, JsonNode? patch, JsonObject current, string? manager, bool dryRun, string? fieldValidation)
    {
        JsonNode? result;
        // Custom resources have no Go struct with patch strategies: apiextensions-apiserver refuses strategic merge patches.
        if (t.Custom is not null && media == "application/strategic-merge-patch+json")
            throw new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        var basis = VersionConversion.Converts(t) ? Present(t, current) : current;
        try
        {
            result = media switch
            {
                "application/merge-patch+json" => MergePatch.Apply(basis, patch),
                "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(basis, patch),
                "application/json-patch+json" => patch is JsonArray ops ? JsonPatch.Apply(basis, ops) : throw new FormatException("a JSON patch must be an array of operations"),
                _ => throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"),
            };
        }
        catch (FormatException e)
        {
            throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw ApiError.BadRequest($"the patch could not be applied: {e.Message}");
        }
        if (result is not JsonObject obj) throw new ApiError(422, "Invalid", "the server rejected our request due to an error in our request: the patched document is not an object");
        Validation.Decoding.TypedDecoding.CheckPatched(t, media, patch, obj);
        FieldValidation(t, obj, fieldValidation);
        if (VersionConversion.Converts(t)) (t, obj) = Stored(t, obj);
        // A patch only checks the resourceVersion when it carries one itself.
        var patchRv = (patch as JsonObject)?.Path("metadata.resourceVersion")?.ToString();
        obj.Meta()["resourceVersion"] = patchRv ?? current.Meta().Str("resourceVersion");
        if (manager is not null) ManagedFields.Record(obj, manager, "Update", storage.Now());
        // obj is this patch's own result: the storage may keep it rather than copy it.
        // A status patch that carries nothing but status (the kubelet's) changed nothing else of current: unless a field manager's
        // entry was written into its metadata above, the result is current with the new status, and the store can keep it as is.
        var onlyStatusDiffers = info.Subresource == "status" && manager is null && !VersionConversion.Converts(t)
            && patch is JsonObject { Count: 1 } p && p.ContainsKey("status");
        return storage.Update(t, info.Namespace, info.Name!, obj, info.Subresource, dryRun, handOver: true, sharedResult: true, onlyStatusDiffers: onlyStatusDiffers);
    }

    /// <summary>pods/binding (what the scheduler posts): sets spec.nodeName once; a pod already bound is a 409 Conflict.</summary>
    private async Task Bind(HttpContext ctx, RequestInfo info)
    {
        var body = await HttpIO.ReadObject(ctx);
        var node = body.Path("target.name")?.ToString();
        if (string.IsNullOrEmpty(node))
            throw new ApiError(422, "Invalid", $"Binding.core \"{info.Name}\" is invalid: target.name: Required value");
        var t = info.Resource;
        // Like the real registry (GuaranteedUpdate), retry when another writer (kubelet, controllers) changed the pod meanwhile.
        for (var attempt = 0; ; attempt++)
        {
            // Read through the hot set and copied (UpdateOnce reads the same version again: a cold one is parsed once, not twice).
            var pod = storage.GetReadOnly(t, info.Namespace, info.Name!).CloneObject();
            if (body.Path("metadata.uid")?.ToString() is { Length: > 0 } uid && uid != pod.Uid())
                throw ApiError.Conflict(t, info.Name!, "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + pod.Uid());
            if (pod.IsDeleting()) throw ApiError.Conflict(t, info.Name!, "pod is being deleted, cannot be assigned to a host");
            var current = pod.Path("spec.nodeName")?.ToString();
            if (!string.IsNullOrEmpty(current))
                throw ApiError.Conflict(t, info.Name!, $"pod {info.Name} is already assigned to node \"{current}\"");
            ((JsonObject)pod["spec"]!)["nodeName"] = node;
            try
            {
                // pod is this attempt's own copy (a conflict reads it anew): the store may keep it, and nobody reads the result.
                storage.Update(t, info.Namespace, info.Name!, pod, null, HttpIO.DryRun(ctx), allowPodSpecChange: true, handOver: true, sharedResult: true);
                break;
            }
            catch (ApiError e) when (e.Code == 409 && attempt < 10) { }
        }
        await HttpIO.WriteJson(ctx, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 });
    }

    /// <summary>The autoscaling/v1 Scale subresource: spec.replicas in, spec/status replicas and selector out.</summary>
    private async Task Scale(HttpContext ctx, string method, RequestInfo info)
    {
        var t = info.Resource;
        var obj = storage.Get(t, info.Namespace, info.Name!);
        // A custom resource names its own paths (spec.versions[*].subresources.scale); built-in kinds use spec/status.replicas.
        var customScale = t.Custom?.Scale;
        var specReplicas = customScale?.SpecReplicasPath.TrimStart('.') ?? "spec.replicas";
        var statusReplicas = customScale?.StatusReplicasPath.TrimStart('.') ?? "status.replicas";
        JsonObject ToScale(JsonObject o)
        {
            var selectorNode = customScale is null ? o.Path("spec.selector") : customScale.LabelSelectorPath is { } lsp ? o.Path(lsp.TrimStart('.')) : null;
            string selector = "";
            if (selectorNode is JsonValue sv && sv.TryGetValue<string>(out var text)) selector = text;   // CRDs keep the selector as a string
            else if (selectorNode is JsonObject so)
                selector = so.ContainsKey("matchLabels") || so.ContainsKey("matchExpressions")
                    ? LabelSelector.FromV1(k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(so.ToJsonString())).ToString()
                    : string.Join(",", ObjectMeta.StringMap(so).Select(kv => $"{kv.Key}={kv.Value}"));
            var m = o.Meta();
            return new JsonObject
            {
                ["kind"] = "Scale", ["apiVersion"] = "autoscaling/v1",
                ["metadata"] = new JsonObject { ["name"] = m.Str("name"), ["namespace"] = m.Str("namespace"), ["uid"] = m.Str("uid"), ["resourceVersion"] = m.Str("resourceVersion"), ["creationTimestamp"] = m.Str("creationTimestamp") },
                ["spec"] = new JsonObject { ["replicas"] = o.Path(specReplicas).Long() ?? 0 },
                ["status"] = new JsonObject { ["replicas"] = o.Path(statusReplicas).Long() ?? 0, ["selector"] = selector },
            };
        }
        if (method == "GET") { await HttpIO.WriteJson(ctx, 200, ToScale(obj)); return; }
        if (method is not ("PUT" or "PATCH")) throw ApiError.MethodNotAllowed();
        QueryOptions.ValidateWrite(ctx, method == "PUT" ? "UpdateOptions" : "PatchOptions");
        var body = method == "PUT" ? await HttpIO.ReadObject(ctx) : await HttpIO.ReadBody(ctx);
        var media = HttpIO.MediaType(ctx);
        JsonObject updated;
        // Like the real registry (GuaranteedUpdate), a write that does not pin a resourceVersion is redone on the fresh object
        // when a controller (status updates are frequent while scaling) wrote in between.
        for (var attempt = 0; ; attempt++)
        {
            JsonObject scale;
            if (method == "PUT") Validation.Decoding.TypedDecoding.CheckScale(scale = (JsonObject)body!);
            else
            {
                try
                {
                    scale = (media == "application/json-patch+json" && body is JsonArray ops ? JsonPatch.Apply(ToScale(obj), ops) : MergePatch.Apply(ToScale(obj), body)) as JsonObject
                            ?? throw ApiError.BadRequest("the patched Scale is not an object");
                }
                catch (FormatException e) { throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}"); }
                Validation.Decoding.TypedDecoding.CheckPatchedScale(media, body, scale);
            }
            var replicas = scale.Path("spec.replicas").Long() ?? throw new ApiError(422, "Invalid", "Scale.autoscaling \"" + info.Name + "\" is invalid: spec.replicas: Required value");
            if (replicas < 0) throw ApiError.Invalid(t, info.Name!, [FieldError.Invalid("spec.replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
            var pinned = method == "PUT" && scale.Path("metadata.resourceVersion")?.ToString() is { Length: > 0 };
            if (pinned && scale.Path("metadata.resourceVersion")!.ToString() != obj.Meta().Str("resourceVersion"))
                throw ApiError.Conflict(t, info.Name!);
            SetPath(obj, specReplicas, replicas);
            try
            {
                updated = storage.Update(t, info.Namespace, info.Name!, obj, null, HttpIO.DryRun(ctx));
                break;
            }
            catch (ApiError e) when (e.Code == 409 && e.Reason == "Conflict" && !pinned && attempt < 10)
            {
                obj = storage.Get(t, info.Namespace, info.Name!);
            }
        }
        await HttpIO.WriteJson(ctx, 200, ToScale(updated));
    }

    /// <summary>Sets a dotted path, creating the objects on the way (a custom resource's spec may not have them yet).</summary>
    private static void SetPath(JsonObject obj, string dotted, long value)
    {
        var parts = dotted.Split('.');
        var node = obj;
        foreach (var p in parts[..^1])
        {
            if (node[p] is not JsonObject next) node[p] = next = new JsonObject();
            node = next;
        }
        node[parts[^1]] = value;
    }
}
