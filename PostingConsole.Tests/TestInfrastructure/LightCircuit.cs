using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PostingConsole.Tests.TestInfrastructure;

/// <summary>
/// An open screen without a browser: it loads a page as a browser does (signed-in cookies, the server-rendered HTML), starts
/// the page's interactive circuit over the same hub and protocol as blazor.web.js (SignalR, "blazorpack"), and acknowledges
/// every render batch (and every JavaScript call, as done), so the console keeps rendering and pushing to it as to a tab. It applies no batch to a DOM: it lets a
/// benchmark hold many circuits open on a small machine where each Chromium tab would cost the cores the console needs.
/// </summary>
public sealed partial class LightCircuit : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly HttpClient http;
    private readonly ConcurrentQueue<(long At, byte[] Data)> batches = new();
    private string? circuitId;

    private LightCircuit(HubConnection connection, HttpClient http)
    {
        this.connection = connection;
        this.http = http;
    }

    /// <summary>Every error the console reported to this circuit (JS.Error), and every acknowledgement that could not be sent.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>
    /// The JavaScript functions the console asked this circuit to call. There is no page: each is answered as done with no
    /// value, which is what a tab answers for a void call (a call awaiting a value would get none); the benchmark prints the count.
    /// </summary>
    public ConcurrentQueue<string> JsCalls { get; } = new();

    /// <summary>When (Unix ms) the first render batch at or after <paramref name="sinceMs"/> carrying <paramref name="text"/> arrived.</summary>
    public long? FirstBatchWith(string text, long sinceMs)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return batches.Where(b => b.At >= sinceMs && b.Data.AsSpan().IndexOf(bytes) >= 0).Select(b => (long?)b.At).FirstOrDefault();
    }

    public int Batches => batches.Count;

    /// <summary>The render batches received at or after <paramref name="sinceMs"/>: how many, and their bytes.</summary>
    public (int Count, long Bytes) BatchesSince(long sinceMs)
    {
        var since = batches.Where(b => b.At >= sinceMs).ToList();
        return (since.Count, since.Sum(b => (long)b.Data.Length));
    }

    /// <summary>Opens <paramref name="path"/> with the cookies of <paramref name="storageState"/> (Playwright's JSON) and starts its circuit.</summary>
    public static async Task<LightCircuit> OpenAsync(Uri baseUrl, string path, string storageState, CancellationToken cancellationToken = default)
    {
        var cookies = new CookieContainer();
        using (var stored = JsonDocument.Parse(storageState))
        {
            foreach (var cookie in stored.RootElement.GetProperty("cookies").EnumerateArray())
            {
                cookies.Add(baseUrl, new Cookie(cookie.GetProperty("name").GetString()!, cookie.GetProperty("value").GetString()!, "/"));
            }
        }

        return await OpenAsync(baseUrl, path, cookies, cancellationToken);
    }

    /// <summary>Opens <paramref name="path"/> with <paramref name="cookies"/> (a signed-in session) and starts its circuit.</summary>
    public static async Task<LightCircuit> OpenAsync(Uri baseUrl, string path, CookieContainer cookies, CancellationToken cancellationToken = default)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = baseUrl };
        var html = await http.GetStringAsync(path, cancellationToken);
        // In the order blazor.web.js adds them: by their sequence.
        var markers = ServerMarker().Matches(html).Select(m => m.Groups[1].Value)
            .OrderBy(Sequence).ToList();
        if (markers.Count == 0) throw new InvalidOperationException($"{path} has no interactive server component");
        var state = ComponentState().Match(html) is { Success: true } found ? found.Groups[1].Value : "";

        var builder = new HubConnectionBuilder();
        // blazor.web.js speaks "blazorpack": SignalR's MessagePack protocol under another name (the hub accepts no other).
        builder.Services.AddSingleton<IHubProtocol, BlazorPack>();
        var connection = builder
            .WithUrl(new Uri(baseUrl, "_blazor"), options => options.Cookies = cookies)
            .Build();
        var circuit = new LightCircuit(connection, http);
        connection.On<long, byte[]>("JS.RenderBatch", async (id, data) =>
        {
            circuit.batches.Enqueue((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), data));
            try
            {
                // In arrival order, as blazor.web.js does once a batch is applied: the console sends at most 10 unacknowledged.
                await connection.SendAsync("OnRenderCompleted", id, null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or HubException)
            {
                circuit.Errors.Enqueue($"batch {id} not acknowledged: {ex.Message}");
            }
        });
        // .NET 10: (async handle, identifier, arguments JSON, result type, target instance, call type). A call with a handle is
        // answered at once as done with no value, as a tab answers a void call (the console's own are: the live log's scrolling).
        connection.On<long, string, string, int, long, int>("JS.BeginInvokeJS", async (handle, identifier, _, _, _, _) =>
        {
            circuit.JsCalls.Enqueue(identifier);
            if (handle == 0) return;
            try
            {
                await connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,null]", CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or HubException)
            {
                circuit.Errors.Enqueue($"JS call {identifier} not answered: {ex.Message}");
            }
        });
        connection.On<string>("JS.Error", circuit.Errors.Enqueue);
        await connection.StartAsync(cancellationToken);

        var page = new Uri(baseUrl, path).AbsoluteUri;
        circuit.circuitId = await connection.InvokeAsync<string?>("StartCircuit", baseUrl.AbsoluteUri, page, "[]", "", cancellationToken)
            ?? throw new InvalidOperationException($"the console refused the circuit: {string.Join(" | ", circuit.Errors)}");
        var operations = markers.Select((marker, i) => $$"""{"type":"add","ssrComponentId":{{i + 1}},"marker":{{marker}}}""");
        await connection.SendAsync("UpdateRootComponents", $$"""{"batchId":1,"operations":[{{string.Join(',', operations)}}]}""", state, cancellationToken);
        return circuit;
    }

    /// <summary>Closes the circuit as a closing tab does (blazor.web.js's beacon to <c>_blazor/disconnect</c>), so the console drops it at once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (circuitId is not null)
        {
            try
            {
                using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("circuitId", circuitId)]);
                (await http.PostAsync("_blazor/disconnect", form)).Dispose();
            }
            catch (HttpRequestException)
            {
                // The console is gone already.
            }
        }

        await connection.DisposeAsync();
        http.Dispose();
    }

    private static int Sequence(string marker)
    {
        using var json = JsonDocument.Parse(marker);
        return json.RootElement.GetProperty("sequence").GetInt32();
    }

    private sealed class BlazorPack : IHubProtocol
    {
        private readonly MessagePackHubProtocol inner = new();

        public string Name => "blazorpack";

        public int Version => inner.Version;

        public TransferFormat TransferFormat => TransferFormat.Binary;

        public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
            inner.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
    }

    [GeneratedRegex("<!--Blazor:(\\{\"type\":\"server\".*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex ServerMarker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex ComponentState();
}
