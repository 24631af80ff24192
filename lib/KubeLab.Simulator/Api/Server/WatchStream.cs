using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Printing;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;
using KubeLab.Simulator.Api.Conversion;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// A watch response: newline-delimited JSON events, flushed one by one. Without a resourceVersion (or "0") it starts with
/// synthetic ADDED events for existing objects; with one it replays history after it, or sends a 410 Expired ERROR event.
/// </summary>
public sealed class WatchStream(ObjectStore store, TimeProvider time)
{
    public async Task Serve(HttpContext ctx, RequestInfo info, LabelSelector labels, FieldSelector fields, bool table, string includeObject, CancellationToken shutdown)
    {
        var rvText = HttpIO.Query(ctx, "resourceVersion");
        long rv = 0;
        var fromVersion = !string.IsNullOrEmpty(rvText) && rvText != "0";
        if (fromVersion && !long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out rv))
            throw Errors.ApiError.BadRequest($"invalid resource version: {rvText}");
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        var timeout = long.TryParse(HttpIO.Query(ctx, "timeoutSeconds"), out var t) && t > 0 ? TimeSpan.FromSeconds(t) : Timeout.InfiniteTimeSpan;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, shutdown);
        if (timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout);
        var token = cts.Token;

        var type = ResourceRegistry.StorageType(info.Resource);
        System.Threading.Channels.Channel<WatchEvent>? channel;
        var first = true;
        // Cheapest tests first: the label test builds a dictionary of the object's labels.
        bool Scoped(JsonObject o) => (info.Namespace is null || o.Namespace() == info.Namespace) && (info.Name is null || o.Name() == info.Name) && fields.Matches(o);
        bool Wanted(JsonObject o) => Scoped(o) && (labels.IsEmpty || labels.Matches(o.Labels()));
        // What the store checks before waking this watch: the object, before or after the change, is in its namespace, name and fields.
        bool MayConcern(WatchEvent ev) => Scoped(ev.Object) || (ev.Previous is not null && Scoped(ev.Previous));
        // A kubelet's pod watch (spec.nodeName=<node>) is indexed by that node, so other nodes' pods never reach its filter.
        var podNodeName = type.Kind == "Pod" && type.Group == "" ? fields.RequiredValue("spec.nodeName") : null;
        // A stored object that already reads as the watched version is sent as it is (serialising only reads it); others are copied
        // and presented (kind, apiVersion, version conversion, custom resource defaults).
        var presentedAsStored = !table && !VersionConversion.Converts(info.Resource) && info.Resource.Custom is null;
        async Task Send(string evType, JsonObject obj, bool shared = false)
        {
            var presented = shared ? obj : ApiHandler.Present(info.Resource, obj);
            JsonNode payload = presented;
            if (table)
            {
                // Rows embed the object in the version the client watches (autoscaling/v1, events.k8s.io/v1, …).
                payload = TablePrinter.ToTable(info.Resource, [presented], obj.Meta().Str("resourceVersion") ?? "", includeObject, time.GetUtcNow(), withColumns: first);
                first = false;
            }
            var line = "{\"type\":\"" + evType + "\",\"object\":" + GoJson.Serialize(payload) + "}\n";
            await ctx.Response.WriteAsync(line, token);
            await ctx.Response.Body.FlushAsync(token);
        }

        async Task SendEncoded(string evType, byte[] obj)
        {
            var writer = ctx.Response.BodyWriter;
            writer.Write(evType switch
            {
                "ADDED" => """{"type":"ADDED","object":"""u8,
                "MODIFIED" => """{"type":"MODIFIED","object":"""u8,
                "DELETED" => """{"type":"DELETED","object":"""u8,
                _ => Encoding.UTF8.GetBytes("{\"type\":\"" + evType + "\",\"object\":"),
            });
            writer.Write(obj);
            writer.Write("}\n"u8);
            await writer.FlushAsync(token);
        }

        try
        {
            await ctx.Response.Body.FlushAsync(token);
            if (!fromVersion)
            {
                var (existing, ch) = store.ListAndWatch(type, info.Namespace, MayConcern, podNodeName);
                channel = ch;
                foreach (var o in existing.Where(Wanted)) await Send("ADDED", o);
            }
            else
            {
                channel = store.Watch(rv, out var oldest, type, MayConcern, podNodeName);
                if (channel is null)
                {
                    var status = Errors.ApiError.StatusBody(410, "Expired", $"too old resource version: {rv} ({oldest})", null);
                    await ctx.Response.WriteAsync(GoJson.Serialize(new JsonObject { ["type"] = "ERROR", ["object"] = status }) + "\n", token);
                    return;
                }
            }
            try
            {
                await foreach (var ev in channel.Reader.ReadAllAsync(token))
                {
                    if (ev.Resource != type) continue;
                    var now = Wanted(ev.Object);
                    var before = ev.Type == "MODIFIED" && ev.Previous is not null ? Wanted(ev.Previous) : now;
                    if (!now && !before) continue;
                    // The event's object is the store's shared copy: only read it; a clone when presenting would change it.
                    var shared = presentedAsStored && ev.Object.Str("kind") == info.Resource.Kind && ev.Object.Str("apiVersion") == info.Resource.GroupVersion;
                    var sent = now && before ? ev.Type : now ? "ADDED" : "DELETED";
                    if (shared) await SendEncoded(sent, ev.EncodedObject ??= GoJson.SerializeToUtf8Bytes(ev.Object));
                    else await Send(sent, ev.Object.CloneObject());
                }
            }
            finally { store.Unwatch(channel); }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }
}
