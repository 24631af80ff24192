using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Server;

/// <summary>Reading request bodies (JSON or YAML) and writing JSON responses.</summary>
public static class HttpIO
{
    public static async Task WriteJson(HttpContext ctx, int status, JsonNode body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(GoJson.Serialize(body), ctx.RequestAborted);
    }

    public static Task WriteStatus(HttpContext ctx, ApiError error) => WriteJson(ctx, error.Code, error.ToStatus());

    public static string MediaType(HttpContext ctx)
        => (ctx.Request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();

    private static readonly HashSet<string> KnownMediaTypes =
    [
        "application/json", "application/yaml", "text/yaml", "application/x-yaml", "*/*",
        "application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json", "application/apply-patch+yaml",
    ];

    public static async Task<JsonNode?> ReadBody(HttpContext ctx, bool allowEmpty = false)
    {
        var media = MediaType(ctx);
        if (media == "application/vnd.kubernetes.protobuf")
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
            try { return Protobuf.ProtobufDecoder.Decode(buffer.ToArray()); }
            catch (FormatException e) { throw ApiError.BadRequest($"unable to decode the protobuf body: {e.Message}"); }
            catch (NotSupportedException e) { throw new ApiError(415, "UnsupportedMediaType", e.Message); }
        }
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (allowEmpty) return null;
            throw ApiError.BadRequest("the request body is empty; send a JSON or YAML object");
        }
        if (!KnownMediaTypes.Contains(media)) throw ApiError.UnsupportedMediaType(media);
        if (media.Contains("yaml")) return ParseYaml(text);
        try { return JsonNode.Parse(text); }
        catch (JsonException e)
        {
            // kubectl may send YAML with a JSON content type only by mistake; accept YAML when it is clearly not JSON.
            if (!text.TrimStart().StartsWith('{') && !text.TrimStart().StartsWith('['))
                try { return ParseYaml(text); } catch (ApiError) { }
            throw ApiError.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    private static JsonNode? ParseYaml(string text)
    {
        try { return YamlJson.Parse(text); }
        catch (FormatException e) { throw ApiError.BadRequest(e.Message); }
    }

    public static async Task<JsonObject> ReadObject(HttpContext ctx)
        => await ReadBody(ctx) as JsonObject ?? throw ApiError.BadRequest("the request body must be a JSON object");

    public static string? Query(HttpContext ctx, string name)
        => ctx.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public static bool DryRun(HttpContext ctx)
    {
        var v = Query(ctx, "dryRun");
        if (v is null or "") return false;
        if (v != "All") throw ApiError.BadRequest($"Invalid dry run value: {v}; only \"All\" is supported");
        return true;
    }
}
