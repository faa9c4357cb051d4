#!/usr/bin/env bash
# Makes assets/pupil-scene.h264, the scene video the Companion simulator streams (demo mode, tests):
# 1088×1080 (Pupil Invisible's scene camera), 30 fps, H.264 baseline (no B-frames), a 4 s loop with
# a key frame every second, low bitrate. A moving test pattern with a frame counter, so consecutive
# frames differ and a screenshot shows the video is live. Needs Debian's ffmpeg (with libx264);
# the simulator itself only reads the Annex B file.
set -euo pipefail
cd "$(dirname "$0")/.."
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1088x1080:rate=30:duration=4" \
  -vf "drawbox=x='mod(t*300,1088)':y=500:w=80:h=80:color=white@1:t=fill" \
  -c:v libx264 -profile:v baseline -level 4.0 -pix_fmt yuv420p \
  -bf 0 -g 30 -keyint_min 30 -sc_threshold 0 -b:v 500k -maxrate 600k -bufsize 600k \
  -x264-params "repeat-headers=1:aud=1" \
  -bsf:v h264_metadata=aud=insert \
  -f h264 assets/pupil-scene.h264
ls -l assets/pupil-scene.h264
