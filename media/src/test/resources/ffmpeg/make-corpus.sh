#!/bin/sh
# Seeds for DecoderFuzzTest made with Debian's ffmpeg 5.1 (apt-get install ffmpeg): H.264 in the
# profiles and tools our own encoder never writes (High and Main, CABAC and CAVLC, B-frames,
# 16 references, weighted prediction), plus formats and variants of the other decoders.
# Half a second of testsrc at 160x120, 24 fps: a few kilobytes each. Run from this folder.
set -eu
video() { ffmpeg -loglevel error -y -f lavfi -i testsrc=size=160x120:rate=24 -t 0.5 "$@"; }
video -c:v libx264 -profile:v high -pix_fmt yuv420p -movflags +faststart h264-high.mp4
video -c:v libx264 -profile:v baseline -pix_fmt yuv420p -movflags +faststart h264-baseline.mp4
video -c:v libx264 -profile:v main -x264-params cabac=0:weightb=1 -pix_fmt yuv420p -movflags +faststart h264-main-cavlc.mp4
video -c:v libx264 -profile:v high -refs 16 -bf 8 -b_strategy 2 -x264-params weightp=2:b-pyramid=normal \
  -pix_fmt yuv420p -movflags +faststart h264-refs16-bframes.mp4
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=96x64:rate=10 -t 1 gif-96x64.gif
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=64x48 -frames:v 1 -pix_fmt rgba64be png-rgba64.png
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=64x48 -frames:v 1 -pix_fmt gray png-gray.png
ffmpeg -loglevel error -y -f lavfi -i testsrc=size=64x48 -frames:v 1 -q:v 5 jpeg-yuv420.jpg
ffmpeg -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=48000 -t 0.05 -ac 2 -c:a pcm_s24le wav-stereo-s24.wav
ffmpeg -loglevel error -y -f lavfi -i sine=frequency=440:sample_rate=22050 -t 0.05 -c:a pcm_f64le wav-f64.wav
