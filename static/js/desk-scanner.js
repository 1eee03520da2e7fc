// Check-in desk: read a QR code ticket with the tablet's camera (jsQR, served from our own
// static files), put it in the ticket field and send the form. Without a camera, or if the
// person refuses it, the field still takes a typed code or a hand scanner's input.
(function () {
  "use strict";
  const form = document.querySelector("[data-qr-scanner]");
  if (!form || !window.jsQR || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  const start = form.querySelector("[data-qr-start]");
  const video = form.querySelector("[data-qr-video]");
  const status = form.querySelector("[data-qr-status]");
  const field = form.querySelector("input[name=ticket]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  start.hidden = false;

  function read(stream) {
    if (video.readyState >= video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        field.value = code.data;
        form.submit();
        return;
      }
    }
    requestAnimationFrame(function () { read(stream); });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      status.textContent = start.dataset.scanning || "";
      video.play();
      read(stream);
    }).catch(function () {
      status.textContent = start.dataset.refused || "";
      field.focus();
    });
  });
}());
