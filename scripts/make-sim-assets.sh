#!/usr/bin/env bash
# Regenerates assets/sim/: the clips the simulated cameras play, encoded once with ffmpeg.
#
# Per scene (src/southbound/simulated/scenes.ts — the same definitions drive the metadata
# stream, motion events and snapshots, so boxes in the video match the reported objects):
#   cam<N>_h264_<W>x<H>.h264  H.264 Main, Annex B      1280x720 and 640x360
#   cam<N>_h265_<W>x<H>.h265  H.265 Main, Annex B      1280x720 and 640x360
#   cam<N>_aac.adts           AAC-LC 16 kHz mono, ADTS (G.711 is generated at run time)
# and manifest.json (sizes, bitrates, profiles) read by the configuration options.
#
# Every clip is one loop (4 s at 25 fps), one IDR per second (GOP 25, closed, no scene cuts),
# no B-frames (decode order = display order, so timestamps only increase), parameter sets in
# front of every IDR and no SEI. Encoders run single-threaded so a given ffmpeg build
# reproduces the same bytes. Needs ffmpeg with libx264/libx265 and, for the burnt-in captions,
# fontconfig with a TrueType font (without one the clips are made without captions).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=assets/sim
mkdir -p "$OUT"
rm -f "$OUT"/cam*_h264_* "$OUT"/cam*_h265_* "$OUT"/cam*_aac.adts "$OUT"/manifest.json

FONT=$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)
[[ -n "$FONT" && -f "$FONT" ]] || FONT=""
FF=(ffmpeg -hide_banner -loglevel error -nostdin -y)
SIZES=(1280x720 640x360)
SCENES_TS=./src/southbound/simulated/scenes.ts

# The scene definitions, as "id label loopSeconds" lines, and one filter graph per clip.
node_eval() { node --import tsx --input-type=module -e "$1"; }
mapfile -t SCENE_LINES < <(node_eval "import { SCENES } from '$SCENES_TS'; for (const s of SCENES) console.log(s.id, s.loopSeconds, s.label);")

for line in "${SCENE_LINES[@]}"; do
  read -r id loop label <<<"$line"
  for size in "${SIZES[@]}"; do
    w=${size%x*}; h=${size#*x}
    # Bitrate caps scale with the picture; CRF keeps simple scenes far below them.
    if [[ $w -ge 1280 ]]; then cap264=450; cap265=350; else cap264=200; cap265=160; fi
    for codec in h264 h265; do
      caption="$label - ${codec^^} ${w}x${h}"
      caption=${caption/H264/H.264}; caption=${caption/H265/H.265}
      graph=$(node_eval "import { SCENES, ffmpegFilterGraph } from '$SCENES_TS'; console.log(ffmpegFilterGraph(SCENES[$((id - 1))], $w, $h, '$caption', '$FONT' || undefined));")
      if [[ $codec == h264 ]]; then
        enc=(-c:v libx264 -preset slow -profile:v main -threads 1 -g 25 -keyint_min 25 -sc_threshold 0 -bf 0
             -crf 30 -maxrate "${cap264}k" -bufsize "$((cap264 * 2))k" -x264-params repeat-headers=1
             -bsf:v filter_units=remove_types=6 -f h264)
      else
        enc=(-c:v libx265 -preset slow -profile:v main -x265-params
             "log-level=error:pools=none:frame-threads=1:keyint=25:min-keyint=25:scenecut=0:open-gop=0:bframes=0:repeat-headers=1:info=0:crf=32:vbv-maxrate=${cap265}:vbv-bufsize=$((cap265 * 2))"
             -f hevc)
      fi
      "${FF[@]}" -filter_complex "$graph" -map '[out]' -t "$loop" -r 25 "${enc[@]}" "$OUT/cam${id}_${codec}_${w}x${h}.${codec}"
    done
  done
  expr=$(node_eval "import { SCENES, audioExpression } from '$SCENES_TS'; console.log(audioExpression(SCENES[$((id - 1))]));")
  "${FF[@]}" -f lavfi -i "aevalsrc=exprs=${expr}:sample_rate=16000:channel_layout=mono" -t "$loop" \
    -c:a aac -b:a 32k -f adts "$OUT/cam${id}_aac.adts"
done

node_eval "import { writeManifest } from './src/southbound/simulated/assets.ts'; const m = writeManifest('$OUT'); console.log(m.video.length + ' video clips, ' + m.audio.length + ' audio clips');"
du -ch "$OUT"/* | tail -1
