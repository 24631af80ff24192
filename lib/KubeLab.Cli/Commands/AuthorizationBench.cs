using System.Diagnostics;
using System.Text.Json.Nodes;
using KubeLab.Simulator;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Authorization;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Seed;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Cli.Commands;

/// <summary>
/// What authorizing every request costs: the API server's handler (no sockets) answering GET configmap as a user bound by a
/// RoleBinding, with the RBAC authorizer and with AlwaysAllow (what the simulator did before RBAC), on a seeded cluster with
/// 200 extra RoleBindings in the namespace; and the authorizer's own decisions per second (allowed and denied).
/// </summary>
internal static class AuthorizationBench
{
    public sealed record Result(double RbacRequestsPerSecond, double AlwaysAllowRequestsPerSecond, double AllowDecisionsPerSecond, double DenyDecisionsPerSecond);

    public static async Task<Result> RunAsync(int requests, CancellationToken ct)
    {
        var store = new ObjectStore();
        var storage = new RestStorage(store, TimeProvider.System);
        ClusterSeed.Apply(storage, workerNodes: 0, coreDns: false);
        var configMaps = ResourceRegistry.ForKind("ConfigMap");
        var roleBindings = ResourceRegistry.Find(RbacPolicy.Group, "v1", "rolebindings")!;
        storage.Create(configMaps, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "bench" }, ["data"] = new JsonObject { ["k"] = "v" } });
        for (var i = 0; i < 200; i++) storage.Create(roleBindings, "default", Binding($"other-{i:000}", $"user-{i}"));
        storage.Create(roleBindings, "default", Binding("zz-bench-view", "bench-user"));
        var user = new UserInfo("bench-user", ["system:authenticated"]);

        using var stop = new CancellationTokenSource();
        var handler = new ApiHandler(storage, new DataPlane(), () => "127.0.0.1", stop.Token);
        var rbac = handler.Authorizer;
        var rbacRate = await RequestsPerSecond(handler, user, requests, ct);
        handler.Authorizer = AlwaysAllowAuthorizer.Instance;
        var allowRate = await RequestsPerSecond(handler, user, requests, ct);

        var allowed = new AuthorizationAttributes(user, "get", true, "", "", "v1", "configmaps", "", "default", "bench");
        var denied = allowed with { Verb = "delete" };
        rbac.Authorize(allowed);
        stop.Cancel();
        return new Result(rbacRate, allowRate, DecisionsPerSecond(rbac, allowed, requests * 10), DecisionsPerSecond(rbac, denied, requests * 10));
    }

    private static JsonObject Binding(string name, string user) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["roleRef"] = new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = "ClusterRole", ["name"] = "view" },
        ["subjects"] = new JsonArray(new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = "User", ["name"] = user }),
    };

    private static async Task<double> RequestsPerSecond(ApiHandler handler, UserInfo user, int requests, CancellationToken ct)
    {
        async Task One()
        {
            var ctx = new DefaultHttpContext();
            ctx.Request.Method = "GET";
            ctx.Request.Path = "/api/v1/namespaces/default/configmaps/bench";
            ctx.Items[UserInfo.ItemKey] = user;
            ctx.Response.Body = Stream.Null;
            await handler.Handle(ctx);
            if (ctx.Response.StatusCode != 200) throw new InvalidOperationException($"bench request answered {ctx.Response.StatusCode}");
        }
        for (var i = 0; i < 100; i++) await One();   // warm-up
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            ct.ThrowIfCancellationRequested();
            await One();
        }
        return requests / sw.Elapsed.TotalSeconds;
    }

    private static double DecisionsPerSecond(IAuthorizer authorizer, AuthorizationAttributes a, int count)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) authorizer.Authorize(a);
        return count / sw.Elapsed.TotalSeconds;
    }
}
